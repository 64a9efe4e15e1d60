using System.Text;
using System.Text.RegularExpressions;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Cli.Tests.Readme;

/// <summary>
/// The API as <c>./zlh.sh up</c> runs it: with its agent poller on, so crashes reach the status, and the portal on with
/// the IDE on its own origin.
/// </summary>
public sealed class PollingCliApiFixture : CliApiFixture
{
    public PollingCliApiFixture()
    {
        Settings["Poller:Enabled"] = "true";
        Settings["Poller:Period"] = "00:00:01";
        Settings["Portal:Enabled"] = "true";
        Settings["Ide:HostPattern"] = "{id}.ide.localhost";
    }
}

/// <summary>
/// Runs every <c>zlh</c> line of the README's first-session block, in order, against a real API, as a new user would
/// paste them: a README line that stops working fails here. A line is one command, with a here-string (<c>&lt;&lt;&lt;</c>)
/// or a piped <c>echo</c> as its stdin; <c>--watch</c> lines run until they print what the session says to watch for.
/// </summary>
public sealed class WalkthroughTests(PollingCliApiFixture api) : IClassFixture<PollingCliApiFixture>
{
    /// <summary>What a <c>--watch</c> line of the walkthrough must show before it is stopped (Ctrl-C for the reader).</summary>
    private static readonly Dictionary<string, Regex> Watched = new(StringComparer.Ordinal)
    {
        ["zlh status my-world --watch"] = new(@"\bmy-world crashed \(nonzero_exit\), restart in \d+ s\b"),
    };

    /// <summary>What the output of other lines must contain, beyond exit code 0.</summary>
    private static readonly Dictionary<string, Regex> Printed = new(StringComparer.Ordinal)
    {
        ["zlh create dev --name my-box --runtime node --version 24 --wait"] = new(@"start_code_server succeeded"),
        ["zlh status"] = new(@"\brunning\b"),
        ["zlh console my-box"] = new(@"v?24\."),
        ["zlh ide my-box"] = new(@"http://[0-9a-f-]{36}\.ide\.localhost:\d+/\?token="),
        ["zlh audit verify my-world"] = new(@"intact"),
        ["zlh admin rebuild container_status"] = new(@"container_status"),
    };

    /// <summary>Where the README's login line reads the admin password: <c>./zlh.sh up</c>'s default.</summary>
    private const string ReadmePasswordFile = "/var/tmp/zlh/admin.password";

    [Fact]
    public async Task EveryCommandOfTheFirstSessionWorksAsTheReadmeSays()
    {
        var lines = ReadmeCommands();
        Assert.True(lines.Count >= 10, $"the walkthrough block has {lines.Count} zlh lines");
        using var zlh = new Zlh(api.Address);
        // The password file ./zlh.sh up writes, here with the fixture's admin password: the README's path is replaced by it.
        var passwordFile = Path.Combine(zlh.ConfigHome, "admin.password");
        await File.WriteAllTextAsync(passwordFile, CliApiFixture.AdminPassword + "\n");
        var variables = new Dictionary<string, string> { ["ADMIN_PASSWORD"] = CliApiFixture.AdminPassword };

        foreach (var line in lines)
        {
            var (args, stdin) = Parse(line, variables);
            args = [.. args.Select(a => a == ReadmePasswordFile ? passwordFile : a)];
            var command = "zlh " + string.Join(' ', args);
            if (Watched.TryGetValue(command, out var expected))
            {
                await using var watch = zlh.Start(args);
                var seen = new StringBuilder();
                string next;
                do seen.AppendLine(next = await watch.NextLineAsync(TimeSpan.FromSeconds(90)));
                while (!expected.IsMatch(next));
                continue;
            }
            var run = await zlh.RunWithInputAsync(stdin, args);
            Assert.True(run.ExitCode == 0, $"README line `{line}`:\n{run}");
            // Piped, as here, output is plain text: no escape sequence of a terminal that is not there (bash's ESC[?2004h).
            Assert.False(run.Out.Contains('\u001b', StringComparison.Ordinal), $"README line `{line}` printed a terminal control sequence:\n{run}");
            if (Printed.GetValueOrDefault(command) is { } printed) Assert.True(printed.IsMatch(run.Out), $"README line `{line}`:\n{run}");
        }
    }

    /// <summary>The block's lines that run zlh, with backslash continuations joined and trailing comments cut.</summary>
    private static List<string> ReadmeCommands()
    {
        var readme = File.ReadAllText(Path.Combine(TestServices.RepositoryRoot(), "README.md"));
        var block = Regex.Match(readme, @"<!-- walkthrough -->\s*```sh\n(.*?)```\s*<!-- /walkthrough -->", RegexOptions.Singleline);
        Assert.True(block.Success, "README.md has no walkthrough block");
        var joined = block.Groups[1].Value.Replace("\\\n", " ");
        return [.. joined.Split('\n').Select(CutComment).Where(l => Regex.IsMatch(l, @"(^|\|\s*)zlh "))];
    }

    /// <summary>Shell words of one line, outside quotes a <c>#</c> starts a comment.</summary>
    private static string CutComment(string line)
    {
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is null && c == '#') return line[..i].Trim();
            if (c is '\'' or '"') quote = quote == c ? null : quote ?? c;
        }
        return line.Trim();
    }

    private static (string[] Args, string? Stdin) Parse(string line, IReadOnlyDictionary<string, string> variables)
    {
        string? stdin = null;
        var pipe = Regex.Match(line, @"^echo\s+(.+?)\s*\|\s*(zlh .*)$");
        if (pipe.Success)
        {
            stdin = string.Join(' ', Words(pipe.Groups[1].Value, variables));
            line = pipe.Groups[2].Value;
        }
        var here = Regex.Match(line, @"^(.*?)\s*<<<\s*(.+)$");
        if (here.Success)
        {
            stdin = string.Join(' ', Words(here.Groups[2].Value, variables));
            line = here.Groups[1].Value;
        }
        var words = Words(line, variables);
        Assert.Equal("zlh", words[0]);
        return ([.. words.Skip(1)], stdin);
    }

    /// <summary>Splits like sh: single quotes literal, double quotes expand <c>$NAME</c>, blanks separate.</summary>
    private static List<string> Words(string text, IReadOnlyDictionary<string, string> variables)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\'')
            {
                var end = text.IndexOf('\'', i + 1);
                word.Append(text, i + 1, end - i - 1);
                (i, inWord) = (end, true);
            }
            else if (c == '"')
            {
                var end = text.IndexOf('"', i + 1);
                word.Append(Regex.Replace(text[(i + 1)..end], @"\$(\w+)", m => variables[m.Groups[1].Value]));
                (i, inWord) = (end, true);
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                (word, inWord) = (new StringBuilder(), false);
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }
}
