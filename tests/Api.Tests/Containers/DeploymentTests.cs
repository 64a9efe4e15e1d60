using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ZeroLagHub.Api.Tests.Hosts;

namespace ZeroLagHub.Api.Tests.Containers;

/// <summary>Whole deployments through the API, with real agents on the local host fetching demo artifacts.</summary>
public sealed class DeploymentTests(LocalHostFixture api) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task ADevContainerReachesReadyThroughEveryStage()
    {
        using var client = api.CreateClientAs(Guid.NewGuid());
        var (container, deployment) = await client.CreateAsync(ControlPlaneSteps.DevSpec());

        var history = await client.WaitForDeploymentAsync(deployment);

        Assert.True(history.GetProperty("status").GetString() == "succeeded", history.ToString());
        Assert.Equal(
            [("create_container", "succeeded"), ("wait_for_agent", "succeeded"), ("install_runtime", "succeeded"),
             ("install_addons", "succeeded"), ("start_code_server", "succeeded"), ("ready", "succeeded")],
            ControlPlaneSteps.Stages(history));
        Assert.All(history.GetProperty("stages").EnumerateArray(), s => Assert.True(s.GetProperty("durationSeconds").GetDouble() >= 0));
        var state = await client.GetContainerAsync(container);
        Assert.Equal("ready", state.GetProperty("lifecycle").GetString());
        Assert.Equal("node", state.GetProperty("runtime").GetString());
        Assert.True(state.GetProperty("codeServerRunning").GetBoolean());
        Assert.True(state.GetProperty("vmid").GetInt32() >= 1000);
    }

    [Fact]
    public async Task AFailedInstallShowsTheFailingStageWithItsLogTail()
    {
        // An artifact altered on the server after the catalog was written: its checksum no longer matches.
        var artifact = Path.Combine(api.DataDirectory, "artifacts", "go-1.22.tar.gz");
        var bytes = await File.ReadAllBytesAsync(artifact);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(artifact, bytes);
        using var client = api.CreateClientAs(Guid.NewGuid());
        var (container, deployment) = await client.CreateAsync(ControlPlaneSteps.DevSpec("go", "1.22"));

        var history = await client.WaitForDeploymentAsync(deployment);

        Assert.Equal("failed", history.GetProperty("status").GetString());
        Assert.Equal("install_runtime", history.GetProperty("failedStage").GetString());
        var failed = history.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("status").GetString() == "failed");
        Assert.Contains("sha", failed.GetProperty("error").GetString()!, StringComparison.OrdinalIgnoreCase);
        Assert.NotEmpty(failed.GetProperty("logTail").EnumerateArray());
        Assert.Equal("pending", ControlPlaneSteps.Stages(history).Single(s => s.Name == "install_addons").Status);
        Assert.Equal("error", (await client.GetContainerAsync(container)).GetProperty("lifecycle").GetString());
    }

    [Fact]
    public async Task DeploymentsAreListedWithFiltersForTheirOwnerOnly()
    {
        var owner = Guid.NewGuid();
        using var client = api.CreateClientAs(owner);
        var (container, deployment) = await client.CreateAsync(ControlPlaneSteps.DevSpec("python", "3.12"));
        await client.WaitForDeploymentAsync(deployment);

        var mine = await client.GetFromJsonAsync<JsonElement>($"/api/deployments?container={container}&state=succeeded");
        var item = Assert.Single(mine.GetProperty("items").EnumerateArray());
        Assert.Equal(owner.ToString(), item.GetProperty("requestedBy").GetString());

        using var stranger = api.CreateClientAs(Guid.NewGuid());
        Assert.Empty((await stranger.GetFromJsonAsync<JsonElement>("/api/deployments")).GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/deployments/{deployment}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/deployments?state=exploded")).StatusCode);
    }
}

/// <summary>A game server deployment through the local host.</summary>
public sealed class GameDeploymentTests(LocalHostFixture api) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task AGameServerDeploymentInstallsItsFilesAndStartsTheServer()
    {
        using var client = api.CreateClientAs(Guid.NewGuid());
        var (container, deployment) = await client.CreateAsync(ControlPlaneSteps.GameSpec());

        var history = await client.WaitForDeploymentAsync(deployment);

        Assert.True(history.GetProperty("status").GetString() == "succeeded", history.ToString());
        Assert.Equal(["create_container", "wait_for_agent", "install_runtime", "install_server_files", "start_server"],
            ControlPlaneSteps.Stages(history).Select(s => s.Name));
        var state = await client.GetContainerAsync(container);
        Assert.Equal("ready", state.GetProperty("lifecycle").GetString());
        Assert.NotEqual("offline", state.GetProperty("server").GetString());
    }
}
