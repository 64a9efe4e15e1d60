using System.Diagnostics;
using System.Net;
using ZeroLagHub.Agent.Files;

namespace ZeroLagHub.Agent.Tests.Files;

public sealed class FileOwnerTests
{
    private static readonly FileOwner Dev = new(1000, 1000);

    [Fact]
    public void AsRootNewFilesGoToTheDevUserWhenItExists() =>
        Assert.Equal(Dev, FileOwner.ForNewFiles(0, "dev", name => name == "dev" ? Dev : null));

    [Fact]
    public void AsRootWithoutTheDevUserOwnershipIsLeftAlone() =>
        Assert.Null(FileOwner.ForNewFiles(0, "dev", _ => null));

    [Fact]
    public void UnprivilegedNobodyIsLookedUp() =>
        Assert.Null(FileOwner.ForNewFiles(1000, "dev", _ => throw new InvalidOperationException("must not look up")));

    [Fact]
    public void TheUserDatabaseIsRead()
    {
        Assert.Equal(new FileOwner(0, 0), FileOwner.Lookup("root"));
        Assert.Null(FileOwner.Lookup("zlh-no-such-user"));
    }

    [Fact]
    public async Task RunningAsRootUploadsAndDirectoriesBelongToTheDevUser()
    {
        // Tests run as root; "nobody" stands in for the dev user (there is no "dev" here).
        if (Environment.UserName != "root") return;   // chown needs root (xunit 2 has no runtime skip)
        var nobody = FileOwner.Lookup("nobody")!.Value;
        using var agent = new FilesAgent(settings: new Dictionary<string, string> { ["DevUser"] = "nobody" });

        Assert.Equal(HttpStatusCode.OK, (await agent.Mkdir("d")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.Put("d/f.txt", "x")).StatusCode);

        Assert.Equal($"{nobody.Uid}:{nobody.Gid} 755", Stat(agent.InWorkspace("d")));
        Assert.Equal($"{nobody.Uid}:{nobody.Gid} 644", Stat(agent.InWorkspace("d/f.txt")));
    }

    [Fact]
    public async Task WithoutTheDevUserFilesStayTheAgents()
    {
        using var agent = new FilesAgent(settings: new Dictionary<string, string> { ["DevUser"] = "zlh-no-such-user" });
        Assert.Equal(HttpStatusCode.OK, (await agent.Put("f.txt", "x")).StatusCode);
        var me = Stat(agent.Workspace).Split(' ')[0];
        Assert.Equal($"{me} 644", Stat(agent.InWorkspace("f.txt")));
    }

    private static string Stat(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%u:%g %a", path]) { RedirectStandardOutput = true })!;
        var text = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return text;
    }
}
