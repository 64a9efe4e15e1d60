using ZeroLagHub.Api.Hosts;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ZeroLagHub.Api.Tests.Containers;
using ZeroLagHub.Api.Hosts.Local;
using ZeroLagHub.Api.Tests.Hosts;
using ZeroLagHub.Domain.Agent;
using static ZeroLagHub.Api.Tests.Status.StatusSteps;

namespace ZeroLagHub.Api.Tests.Status;

/// <summary>
/// The API is stopped for 20 s (longer than two poll periods and the Redis sighting's 15 s lifetime) while a game
/// server crashes: the holder outlives the agent, records the exit, and the restarted API learns of it. (The local host
/// stops its agents with the API, so here the agent is truly away meanwhile; on Proxmox it would keep running.)
/// </summary>
public sealed class ApiOutageTests
{
    [Fact]
    public async Task AServerThatCrashesWhileTheApiIsDownIsInTheCrashHistoryOnceTheApiIsBack()
    {
        var first = new LocalHostFixture();
        await ((IAsyncLifetime)first).InitializeAsync();
        LocalHostFixture? second = null;
        try
        {
            var owner = Guid.NewGuid();
            Guid id;
            using (var client = first.CreateClientAs(owner))
            {
                (id, var deployment) = await client.CreateAsync(ControlPlaneSteps.GameSpec());
                var history = await client.WaitForDeploymentAsync(deployment);
                Assert.True(history.GetProperty("status").GetString() == "succeeded", history.ToString());
            }
            var server = await EventuallyAsync(async () => await ServerAsync(first, id) is { State: "running", Pid: { } pid } ? (int?)pid : null,
                "the server running");

            // The agent reports pids as its container's PID namespace numbers them.
            var serverOnHost = LocalContainerProbe.HostPid(first.Services.GetRequiredService<LocalContainerStore>().Find(id)!, server!.Value);
            await first.StopAsync();   // the API stops (and its agents with it); the server's holder keeps running
            Process.GetProcessById(serverOnHost).Kill();
            await Task.Delay(TimeSpan.FromSeconds(20));

            second = new RestartedApi(first);
            await ((IAsyncLifetime)second).InitializeAsync();
            var crash = await EventuallyAsync(async () =>
                await ScalarAsync(second, "SELECT classification || ' signal ' || coalesce(signal, 0) FROM crash_history WHERE container_id = @id", id) as string,
                "the crash in the history", 60);

            Assert.Equal("nonzero_exit signal 9", crash);
            // Once: the holder's exit record and the journal entry the agent made of it are one crash, not two.
            await Task.Delay(TimeSpan.FromSeconds(3));   // a few more poll cycles
            Assert.Equal(1L, (long)(await ScalarAsync(second, "SELECT count(*) FROM crash_history WHERE container_id = @id", id))!);
        }
        finally
        {
            if (second is not null) await ((IAsyncLifetime)second).DisposeAsync();
            await ((IAsyncLifetime)first).DisposeAsync();
        }
    }

    private static async Task<ServerProcessStatus?> ServerAsync(LocalHostFixture api, Guid id)
    {
        var agent = (await api.Host.FindAgentAsync(id, default))!;
        using var client = new HttpClient(AgentConnection.CreateHandlerFor(agent));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", agent.Token);
        return (await client.GetFromJsonAsync<AgentStatus>(new Uri(agent.BaseAddress, "status"), JsonSerializerOptions.Web))!.Server;
    }

    private static async Task<object?> ScalarAsync(ApiHostFixture api, string sql, Guid id)
    {
        await using var command = api.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>The same database and data directory, with its background poller on (ApiFixture turns it off).</summary>
    private sealed class RestartedApi : LocalHostFixture
    {
        public RestartedApi(LocalHostFixture first) : base(first)
        {
            Settings["Poller:Enabled"] = "true";
            Settings["Poller:Period"] = "00:00:01";
        }
    }
}
