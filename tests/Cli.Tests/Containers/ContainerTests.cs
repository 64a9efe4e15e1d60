namespace ZeroLagHub.Cli.Tests.Containers;

/// <summary>
/// A user's containers through zlh against the real API, whose local host runs real agents that fetch
/// the demo artifacts: create and follow, list, history, ssh, ide, remove.
/// </summary>
public sealed class ContainerTests(CliApiFixture api) : IClassFixture<CliApiFixture>
{
    [Fact]
    public async Task ADevContainerIsFollowedToReadyThenListedInspectedAndRemoved()
    {
        var (zlh, _) = await api.LoggedInAsync();
        using var __ = zlh;
        var name = $"box-{Guid.NewGuid():N}"[..12];

        // stdout is a pipe: one line per stage change, then the summary.
        var create = await zlh.RunAsync("create", "dev", "--runtime", "node", "--version", "24", "--addon", "code-server", "--name", name, "--wait");

        Assert.True(create.ExitCode == 0, create.ToString());
        var deployment = Guid.Parse(System.Text.RegularExpressions.Regex.Match(create.Out, @"deployment ([0-9a-f-]{36})").Groups[1].Value);
        foreach (var stage in new[] { "create_container", "wait_for_agent", "install_runtime", "install_addons", "start_code_server", "ready" })
            Assert.Contains($"{stage} succeeded", create.Out);
        Assert.Contains($"deployment {deployment} succeeded", create.Out);

        var list = await zlh.RunAsync("ls", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        var container = Assert.Single(list.Json.EnumerateArray());
        var id = container.GetProperty("id").GetGuid();
        Assert.Equal(name, container.GetProperty("name").GetString());
        Assert.Equal("ready", container.GetProperty("lifecycle").GetString());
        Assert.Contains(name, (await zlh.RunAsync("ls")).Out);

        var show = await zlh.RunAsync("show", name, "--json");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Equal(id, show.Json.GetProperty("id").GetGuid());
        Assert.Equal("node", show.Json.GetProperty("runtime").GetString());

        var history = await zlh.RunAsync("deploys", "--container", name, "--state", "succeeded", "--json");
        Assert.True(history.ExitCode == 0, history.ToString());
        var item = Assert.Single(history.Json.GetProperty("items").EnumerateArray());
        Assert.Equal(deployment, item.GetProperty("id").GetGuid());
        Assert.Contains(deployment.ToString(), (await zlh.RunAsync("deploys")).Out);

        var one = await zlh.RunAsync("deploy", deployment.ToString());
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Matches(@"install_runtime\s+succeeded\s+\d+(\.\d)? s", one.Out);
        var oneJson = await zlh.RunAsync("deploy", deployment.ToString(), "--json");
        Assert.Equal(6, oneJson.Json.GetProperty("stages").GetArrayLength());
        Assert.All(oneJson.Json.GetProperty("stages").EnumerateArray(), s => Assert.Equal("succeeded", s.GetProperty("status").GetString()));

        zlh.Environment["ZLH_SSH_BASTION"] = "jump@bastion.example:2222";
        var ssh = await zlh.RunAsync("ssh", container.GetProperty("vmid").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(ssh.ExitCode == 0, ssh.ToString());
        Assert.Equal("ssh -J jump@bastion.example:2222 dev@127.0.0.1", ssh.Out.Trim());

        // The one-time IDE URL (its use is tested with the IDE feature in the API tests).
        var ide = await zlh.RunAsync("ide", id.ToString());
        Assert.True(ide.ExitCode == 0, ide.ToString());
        Assert.Matches($"/api/dev/{id}/ide/\\?token=[A-Za-z0-9_.-]+$", ide.Out.Trim());

        var rm = await zlh.RunAsync("rm", id.ToString(), "--json");
        Assert.True(rm.ExitCode == 0, rm.ToString());
        Assert.Equal(id, rm.Json.GetProperty("containerId").GetGuid());
        var gone = await zlh.RunAsync("show", id.ToString());
        Assert.True(gone.ExitCode == 3, gone.ToString());
        Assert.Empty((await zlh.RunAsync("ls", "--json")).Json.EnumerateArray());
    }

    [Fact]
    public async Task AFailedDeploymentExits1AndShowsTheFailingStageWithItsLogTail()
    {
        // The artifact altered on the server after its catalog entry was written: its checksum no longer matches.
        var artifact = Path.Combine(api.DataDirectory, "artifacts", "go-1.22.tar.gz");
        var bytes = await File.ReadAllBytesAsync(artifact);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(artifact, bytes);
        var (zlh, _) = await api.LoggedInAsync();
        using var __ = zlh;

        var create = await zlh.RunAsync("create", "dev", "--runtime", "go", "--version", "1.22", "--wait");

        Assert.True(create.ExitCode == 1, create.ToString());
        Assert.Contains("install_runtime failed", create.Out);
        Assert.Matches(@"(?i)error:.*sha", create.Out);
        Assert.Contains("  | ", create.Out);
        Assert.Contains("failed in", create.Out);
        Assert.Contains("at install_runtime", create.Out);
    }

    [Fact]
    public async Task ASpecTheApiRefusesIsAUsageErrorNamingTheField()
    {
        var (zlh, _) = await api.LoggedInAsync();
        using var __ = zlh;

        var create = await zlh.RunAsync("create", "dev", "--runtime", "node", "--version", "24", "--name", "Not A DNS Label!");

        Assert.True(create.ExitCode == 2, create.ToString());
        Assert.Contains("name", create.Err);
        Assert.Empty((await zlh.RunAsync("ls", "--json")).Json.EnumerateArray());
    }

    [Fact]
    public async Task AnotherUsersContainerIsNotFound()
    {
        var (owner, _) = await api.LoggedInAsync();
        var (stranger, _) = await api.LoggedInAsync();
        using var _1 = owner;
        using var _2 = stranger;
        var create = await owner.RunAsync("create", "dev", "--json");
        Assert.True(create.ExitCode == 0, create.ToString());
        var id = create.Json.GetProperty("containerId").GetGuid().ToString();

        foreach (var args in new[] { new[] { "show", id }, ["rm", id], ["server", "restart", id], ["deploy", create.Json.GetProperty("deploymentId").GetString()!] })
        {
            var run = await stranger.RunAsync(args);
            Assert.True(run.ExitCode == 3, run.ToString());
        }
        Assert.Equal(0, (await owner.RunAsync("show", id)).ExitCode);
    }
}
