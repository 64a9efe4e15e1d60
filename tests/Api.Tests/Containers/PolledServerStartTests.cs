using System.Net;
using System.Text.Json;
using ZeroLagHub.Api.Tests.Hosts;
using ZeroLagHub.Api.Tests.Status;

namespace ZeroLagHub.Api.Tests.Containers;

/// <summary>The API as it runs in production, background poller included (every second here).</summary>
public sealed class RunningPollerFixture : LocalHostFixture
{
    public RunningPollerFixture()
    {
        Settings["Poller:Enabled"] = "true";
        Settings["Poller:Period"] = "00:00:01";
    }
}

/// <summary>
/// A game server started by its deployment and again through the API, while the poller reads the
/// agent's journal: one <c>container.server_started</c> per run, as many as the journal's
/// <c>server.running</c> entries.
/// </summary>
public sealed class PolledServerStartTests(RunningPollerFixture api) : IClassFixture<RunningPollerFixture>
{
    [Fact]
    public async Task EachServerStartIsOneServerStartedEventWithThePollerRunning()
    {
        using var client = api.CreateClientAs(Guid.NewGuid());
        var (container, deployment) = await client.CreateAsync(ControlPlaneSteps.GameSpec());
        var history = await client.WaitForDeploymentAsync(deployment);
        Assert.True(history.GetProperty("status").GetString() == "succeeded", history.ToString());
        Assert.NotEqual("offline", (await client.GetContainerAsync(container)).GetProperty("server").GetString());
        await ServerIsAsync(client, container, "running");
        await PollPeriodsAsync();
        Assert.Equal(1L, await CountAsync(container, "container.server_started"));

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/api/servers/{container}/server/stop", null)).StatusCode);
        await ServerIsAsync(client, container, "offline");
        var start = await client.PostAsync($"/api/servers/{container}/server/start", null);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var commandId = JsonSerializer.Deserialize<JsonElement>(await start.Content.ReadAsStringAsync()).GetProperty("commandId").GetGuid();
        await ServerIsAsync(client, container, "running");
        await PollPeriodsAsync();

        var requestedAt = (long)(await api.Database.ScalarAsync(
            $"SELECT version FROM events.mt_events WHERE stream_id = '{container}' AND data->>'commandId' = '{commandId}'"))!;
        Assert.Equal(1L, await CountAsync(container, "container.server_started", $"version > {requestedAt}"));
        Assert.Equal(2L, await CountAsync(container, "container.server_started"));
        Assert.Equal(2, (await api.JournalPageAsync(container)).Entries.Count(e => e.Kind == "server.running"));
    }

    /// <summary>Long enough for a few more cycles to have read the journal again.</summary>
    private static Task PollPeriodsAsync() => Task.Delay(TimeSpan.FromSeconds(3));

    private static async Task ServerIsAsync(HttpClient client, Guid container, string state) =>
        await StatusSteps.EventuallyAsync(async () =>
            (await client.GetContainerAsync(container)).GetProperty("server").GetString() == state ? (object)true : null,
            $"the server to be {state}");

    private async Task<long> CountAsync(Guid container, string type, string and = "true") =>
        (long)(await api.Database.ScalarAsync($"SELECT count(*) FROM events.mt_events WHERE stream_id = '{container}' AND type = '{type}' AND {and}"))!;
}
