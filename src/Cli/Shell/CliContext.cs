using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Session;

namespace ZeroLagHub.Cli.Shell;

/// <summary>
/// What one command invocation works with: the configuration, the API client, and the two outputs.
/// Results go to stdout (tables, or one JSON document with --json); errors and progress go to stderr.
/// </summary>
public sealed class CliContext : IDisposable
{
    private static readonly JsonSerializerOptions JsonOutput = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private CliContext(CliConfig config, Uri api, bool json, bool wide)
    {
        Config = config;
        Api = api;
        Json = json;
        Wide = wide;
        Client = new ApiClient(api, new CredentialStore(config.CredentialsPath));
        Out = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            // Piped into a file or grep, output stays plain text, one row per line.
            Ansi = IsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = IsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!IsTerminal) Out.Profile.Width = 1000;
    }

    public CliConfig Config { get; }
    public Uri Api { get; }
    public bool Json { get; }

    /// <summary><c>-o wide</c>: tables add ids beside the names they show.</summary>
    public bool Wide { get; }
    public ApiClient Client { get; }

    /// <summary>Human output (stdout).</summary>
    public IAnsiConsole Out { get; }

    /// <summary>stdout is a terminal: live views and colour; otherwise plain lines.</summary>
    public static bool IsTerminal => !Console.IsOutputRedirected;

    /// <summary>Runs a command's body with a context built from the global options; a bad --api is a usage error.</summary>
    public static async Task<int> RunAsync(ParseResult parse, Func<CliContext, Task<int>> body)
    {
        var config = CliConfig.Load();
        var address = parse.GetValue(GlobalOptions.Api) ?? config.Api ?? CliConfig.DefaultApi;
        if (!Uri.TryCreate(address, UriKind.Absolute, out var api) || api.Scheme is not ("http" or "https"))
            return Usage($"--api must be an http(s) address such as {CliConfig.DefaultApi} (got '{address}')");
        if (!api.AbsolutePath.EndsWith('/')) api = new Uri(api + "/");
        using var context = new CliContext(config, api, parse.GetValue(GlobalOptions.Json), parse.GetValue(GlobalOptions.Output) == "wide");
        return await body(context);
    }

    public void WriteJson<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonOutput));

    /// <summary>Prints the problem on stderr and returns its exit code.</summary>
    public int Fail(ApiProblem problem)
    {
        Console.Error.WriteLine($"zlh: {problem}");
        return problem.ExitCode;
    }

    public int Fail(string message)
    {
        Console.Error.WriteLine($"zlh: {message}");
        return ExitCodes.Failed;
    }

    public static int Usage(string message)
    {
        Console.Error.WriteLine($"zlh: {message}");
        return ExitCodes.Usage;
    }

    public void Dispose() => Client.Dispose();
}
