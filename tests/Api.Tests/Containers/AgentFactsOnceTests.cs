using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ZeroLagHub.Api.Containers;
using ZeroLagHub.Api.Tests.Status;

namespace ZeroLagHub.Api.Tests.Containers;

/// <summary>
/// The agent's runtime facts (code-server started / stopped…) are in the container's stream once: a
/// redelivered agent command and the poller reading the same journal entry add no copy.
/// </summary>
public sealed class AgentFactsOnceTests(PollerFixture api) : IClassFixture<PollerFixture>
{
    [Fact]
    public async Task TheDeploymentsCodeServerStartIsOneEventShownAtOnceAndThePollerAddsNoCopy()
    {
        using var client = api.CreateClientAs(Guid.NewGuid());
        var container = await ReadyDevContainerAsync(client);

        // No poll cycle has run yet (the fixture's loop is off): the IDE can open right after the deployment.
        Assert.True((await client.GetContainerAsync(container)).GetProperty("codeServerRunning").GetBoolean());
        Assert.Equal(1L, await CountAsync(container, "container.code_server_started"));

        await api.Poller.PollOnceAsync(default);
        await api.Poller.PollOnceAsync(default);

        Assert.Equal(1L, await CountAsync(container, "container.code_server_started"));
        Assert.Single(await JournalKindsAsync(container), k => k == "codeserver.started");
    }

    [Fact]
    public async Task AnAgentCommandDeliveredTwiceRecordsItsFactOnce()
    {
        using var client = api.CreateClientAs(Guid.NewGuid());
        var container = await ReadyDevContainerAsync(client);
        var actions = api.Services.GetRequiredService<ContainerActions>();
        var commandId = Guid.NewGuid();
        var message = new AgentCommand(container, "dev/codeserver/stop", commandId);

        await actions.HandleAsync(message, default);
        // Its node died before the inbox recorded it handled: the same message, same id, again.
        await actions.HandleAsync(message, default);

        // Recorded by the handler's own read of the journal, before any poll cycle…
        Assert.Equal(1L, await CountAsync(container, "container.code_server_stopped"));
        Assert.False((await client.GetContainerAsync(container)).GetProperty("codeServerRunning").GetBoolean());
        // …which then finds nothing new.
        await api.Poller.PollOnceAsync(default);
        Assert.Single(await JournalKindsAsync(container), k => k == "codeserver.stopped");   // the agent ran it once
        Assert.Equal(1L, await CountAsync(container, "container.code_server_stopped"));
        Assert.Equal(1L, await CountAsync(container, "container.code_server_started"));
    }

    private static async Task<Guid> ReadyDevContainerAsync(HttpClient client)
    {
        var (container, deployment) = await client.CreateAsync(ControlPlaneSteps.DevSpec());
        var history = await client.WaitForDeploymentAsync(deployment);
        Assert.True(history.GetProperty("status").GetString() == "succeeded", history.ToString());
        return container;
    }

    private async Task<List<string>> JournalKindsAsync(Guid container) =>
        [.. (await api.JournalPageAsync(container)).Entries.Select(e => e.Kind)];

    private async Task<long> CountAsync(Guid container, string type) =>
        (long)(await api.Database.ScalarAsync($"SELECT count(*) FROM events.mt_events WHERE stream_id = '{container}' AND type = '{type}'"))!;
}
