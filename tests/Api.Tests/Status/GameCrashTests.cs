using ZeroLagHub.Api.Hosts;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ZeroLagHub.Api.Tests.Containers;
using static ZeroLagHub.Api.Tests.Status.StatusSteps;

namespace ZeroLagHub.Api.Tests.Status;

/// <summary>
/// The whole path with nothing written by hand: a game server deployed through the API, the stand-in
/// server told to crash on its console, the agent's supervisor classifying it and scheduling the
/// restart, the poller ingesting the journal, and the projections showing it.
/// </summary>
public sealed class GameCrashTests(PollerFixture api) : IClassFixture<PollerFixture>
{
    [Fact]
    public async Task AStandInServerThatCrashesShowsTheCrashItsClassificationAndTheRestartInStatusAndCrashHistory()
    {
        using var client = api.CreateClientAs(Guid.NewGuid());
        var (id, deployment) = await client.CreateAsync(ControlPlaneSteps.GameSpec());
        var history = await client.WaitForDeploymentAsync(deployment);
        Assert.True(history.GetProperty("status").GetString() == "succeeded", history.ToString());

        await TypeOnServerConsoleAsync(id, "crash\n");
        var crash = await EventuallyAsync(async () =>
        {
            await api.Poller.PollOnceAsync(default);
            return await Scalar("SELECT classification FROM crash_history WHERE container_id = @id", id) as string;
        }, "the crash in the crash history");

        Assert.Equal("nonzero_exit", crash);
        var status = JsonSerializer.Deserialize<JsonElement>(await EventuallyAsync(async () =>
            await Scalar("SELECT doc::text FROM container_status WHERE id = @id AND state = 'restarting'", id) as string,
            "the status to show the scheduled restart"));
        Assert.Equal(1, status.GetProperty("restartCount").GetInt32());
        Assert.Equal("nonzero_exit", status.GetProperty("lastCrash").GetProperty("classification").GetString());
        Assert.Contains("demo crash", await Scalar("SELECT array_to_string(log_tail, E'\\n') FROM crash_history WHERE container_id = @id", id) as string ?? "");
        Assert.Equal(1L, Convert.ToInt64(await Scalar("SELECT crashes FROM crash_counts WHERE container_id = @id", id)));
    }

    /// <summary>The agent's own server console (the API's relay is tested with the console feature).</summary>
    private async Task TypeOnServerConsoleAsync(Guid id, string text)
    {
        var agent = (await api.Host.FindAgentAsync(id, default))!;
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {agent.Token}");
        var uri = new UriBuilder(new Uri(agent.BaseAddress, "console")) { Scheme = "ws", Query = "kind=server" }.Uri;
        await socket.ConnectAsync(uri, new HttpMessageInvoker(AgentConnection.CreateHandlerFor(agent)), default);
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Binary, true, default);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "typed", default);
    }

    private async Task<object?> Scalar(string sql, Guid id)
    {
        await using var command = api.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync();
    }
}
