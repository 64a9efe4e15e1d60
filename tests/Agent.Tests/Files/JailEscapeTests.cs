using System.Net;
using Xunit.Abstractions;

namespace ZeroLagHub.Agent.Tests.Files;

/// <summary>
/// Every way out of the root answers 400 naming the reason and changes nothing, under both resolvers
/// (openat2 and the O_NOFOLLOW component walk), since a host may end up with either.
/// </summary>
public sealed class JailEscapeTests(ITestOutputHelper output)
{
    /// <summary>(method, url, expected reason). Set-up: see <see cref="Plant"/>.</summary>
    private static readonly (string Method, string Url, string Reason)[] Attempts =
    [
        ("GET", "/files?path=../outside", "Escapes"),
        ("GET", "/files/content?path=a/../../outside/secret.txt", "Escapes"),
        ("GET", "/files/content?path=../../../../etc/passwd", "Escapes"),
        ("PUT", "/files/content?path=../outside/secret.txt", "Escapes"),
        ("GET", "/files/content?path=/etc/passwd", "Absolute"),
        ("PUT", "/files/content?path=/tmp/zlh-jail-probe", "Absolute"),
        ("GET", "/files/content?path=a.txt%00.png", "NulByte"),
        ("PUT", "/files/content?path=a%00b", "NulByte"),
        ("GET", "/files?path=a//b", "EmptyName"),
        // A link inside the root to /etc: listing, reading and writing through it are all refused.
        ("GET", "/files?path=etc", "Symlink"),
        ("GET", "/files/content?path=etc/passwd", "Symlink"),
        ("GET", "/files?path=a/../etc", "Symlink"),
        // A link to a directory outside, and one to a file outside.
        ("PUT", "/files/content?path=out/secret.txt", "Symlink"),
        ("PUT", "/files/content?path=out/new.txt", "Symlink"),
        ("POST", "/files/mkdir?path=out/newdir", "Symlink"),
        ("GET", "/files/content?path=secret-link", "Symlink"),
        ("PUT", "/files/content?path=secret-link", "Symlink"),
        // Rename out of, into, or through a link; delete through a link.
        ("POST", "/files/rename?from=a.txt&to=../a.txt", "Escapes"),
        ("POST", "/files/rename?from=a.txt&to=/tmp/a.txt", "Absolute"),
        ("POST", "/files/rename?from=a.txt&to=out/a.txt", "Symlink"),
        ("POST", "/files/rename?from=../outside/secret.txt&to=stolen.txt", "Escapes"),
        ("POST", "/files/rename?from=out/secret.txt&to=stolen.txt", "Symlink"),
        ("DELETE", "/files?path=out/secret.txt", "Symlink"),
        ("DELETE", "/files?path=../outside&recursive=true", "Escapes"),
        // The root itself.
        ("DELETE", "/files?path=&recursive=true", "Root"),
        ("DELETE", "/files?path=a/..&recursive=true", "Root"),
        ("POST", "/files/rename?from=&to=moved", "Root"),
        ("POST", "/files/rename?from=a&to=.", "Root"),
        ("PUT", "/files/content?path=", "Root"),
    ];

    [Theory]
    [InlineData("Openat2")]
    [InlineData("Walk")]
    public async Task EveryEscapeAttemptIs400NamingTheReasonAndChangesNothing(string resolver)
    {
        using var agent = new FilesAgent(resolver);
        Plant(agent);
        var before = agent.Snapshot();

        var wrong = new List<string>();
        foreach (var (method, url, reason) in Attempts)
        {
            var response = await agent.Send(new HttpMethod(method), url, method == "PUT" ? new StringContent("pwned") : null);
            var actual = await FilesAgent.Reason(response);
            if (response.StatusCode != HttpStatusCode.BadRequest || actual != reason)
                wrong.Add($"{method} {url}: {(int)response.StatusCode} {actual}, expected 400 {reason}");
        }

        Assert.Empty(wrong);
        Assert.Equal(before, agent.Snapshot());
        Assert.False(File.Exists("/tmp/zlh-jail-probe"));
        Assert.Equal("secret", File.ReadAllText(agent.Secret));
    }

    [Theory]
    [InlineData("Openat2")]
    [InlineData("Walk")]
    public async Task ADirectorySwappedForALinkBetweenTwoCallsIsRefusedOnTheSecond(string resolver)
    {
        using var agent = new FilesAgent(resolver);
        Assert.Equal(HttpStatusCode.OK, (await agent.Mkdir("d")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.Put("d/f", "first")).StatusCode);

        // What a dev user can do between the portal's calls: replace d with a link to outside the root.
        Directory.Delete(agent.InWorkspace("d"), recursive: true);
        File.CreateSymbolicLink(agent.InWorkspace("d"), agent.Outside);

        var second = await agent.Put("d/f", "second");
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal("Symlink", await FilesAgent.Reason(second));
        Assert.False(File.Exists(Path.Combine(agent.Outside, "f")));
        Assert.Equal(HttpStatusCode.BadRequest, (await agent.Client.GetAsync("/files/content?path=d/secret.txt")).StatusCode);
    }

    [Theory]
    [InlineData("Openat2")]
    [InlineData("Walk")]
    public async Task ALinkFlippingDuringWritesNeverLetsAWriteLandOutside(string resolver)
    {
        using var agent = new FilesAgent(resolver);
        var d = agent.InWorkspace("d");
        Directory.CreateDirectory(d);
        using var stop = new CancellationTokenSource();

        // The attacker: flips d between a real directory and a link to outside as fast as it can.
        var flipper = Task.Run(() =>
        {
            var spare = agent.InWorkspace("d-real");
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    Directory.Move(d, spare);
                    File.CreateSymbolicLink(d, agent.Outside);
                    File.Delete(d);
                    Directory.Move(spare, d);
                }
                catch (IOException) { }
            }
        });

        var outcomes = new List<HttpStatusCode>();
        for (var i = 0; i < 200; i++) outcomes.Add((await agent.Put("d/f", $"write {i}")).StatusCode);
        output.WriteLine(string.Join(", ", outcomes.CountBy(s => s).Select(c => $"{c.Key}: {c.Value}")));
        await stop.CancelAsync();
        await flipper;

        Assert.False(File.Exists(Path.Combine(agent.Outside, "f")), "a write followed the link outside the root");
        Assert.Equal(["secret.txt"], Directory.GetFiles(agent.Outside).Select(Path.GetFileName));
        Assert.Subset(new HashSet<HttpStatusCode> { HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.NotFound }, outcomes.ToHashSet());
    }

    [Theory]
    [InlineData("Openat2")]
    [InlineData("Walk")]
    public async Task ARecursiveDeleteRemovesLinksWithoutFollowingThem(string resolver)
    {
        using var agent = new FilesAgent(resolver);
        Directory.CreateDirectory(agent.InWorkspace("tree/sub"));
        File.WriteAllText(agent.InWorkspace("tree/sub/file.txt"), "x");
        File.CreateSymbolicLink(agent.InWorkspace("tree/out"), agent.Outside);
        File.CreateSymbolicLink(agent.InWorkspace("tree/sub/secret"), agent.Secret);

        var response = await agent.Delete("tree", recursive: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(Directory.Exists(agent.InWorkspace("tree")));
        Assert.Equal("secret", File.ReadAllText(agent.Secret));
        Assert.True(Directory.Exists(agent.Outside));
    }

    [Fact]
    public async Task AWorkspaceReplacedByALinkIsNotFollowed()
    {
        using var agent = new FilesAgent();
        Directory.Delete(agent.Workspace);
        File.CreateSymbolicLink(agent.Workspace, agent.Outside);

        var list = await agent.Client.GetAsync("/files");
        Assert.Equal(HttpStatusCode.BadRequest, list.StatusCode);
        Assert.Equal("Symlink", await FilesAgent.Reason(list));
        Assert.Equal(HttpStatusCode.BadRequest, (await agent.Put("secret.txt", "pwned")).StatusCode);
        Assert.Equal("secret", File.ReadAllText(agent.Secret));
    }

    /// <summary>
    /// Workspace: a.txt, a/ (empty dir), etc → /etc, out → ../outside (relative, still leaves the
    /// root), secret-link → outside/secret.txt (absolute).
    /// </summary>
    private static void Plant(FilesAgent agent)
    {
        File.WriteAllText(agent.InWorkspace("a.txt"), "a");
        Directory.CreateDirectory(agent.InWorkspace("a"));
        File.CreateSymbolicLink(agent.InWorkspace("etc"), "/etc");
        File.CreateSymbolicLink(agent.InWorkspace("out"), "../../../outside");
        File.CreateSymbolicLink(agent.InWorkspace("secret-link"), agent.Secret);
    }
}
