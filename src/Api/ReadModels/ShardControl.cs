using JasperFx.Events.Daemon;
using Npgsql;

namespace ZeroLagHub.Api.ReadModels;

/// <summary>
/// Restarts an async read model's Marten agent on whichever node runs the daemon (HotCold: one node runs
/// them all), when an operator asked any node to retry or skip. The request travels by NOTIFY; every node
/// listens and only the one whose daemon is running acts. A restarted agent resumes from its progression
/// row, so a skip is a move of that row first.
/// </summary>
public sealed partial class ShardControl(NpgsqlDataSource dataSource, IProjectionCoordinator coordinator, ILogger<ShardControl> log)
    : BackgroundService
{
    public const string Channel = "zlh_read_model_restart";

    /// <summary>Asks the daemon's node to restart <paramref name="readModel"/>'s agent.</summary>
    public static async Task RequestRestartAsync(NpgsqlDataSource dataSource, string readModel, CancellationToken ct)
    {
        await using var notify = dataSource.CreateCommand("SELECT pg_notify(@channel, @name)");
        notify.Parameters.AddWithValue("channel", Channel);
        notify.Parameters.AddWithValue("name", readModel);
        await notify.ExecuteNonQueryAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                var requests = System.Threading.Channels.Channel.CreateUnbounded<string>();
                connection.Notification += (_, e) => requests.Writer.TryWrite(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                var handling = HandleAsync(requests.Reader, stoppingToken);
                while (!stoppingToken.IsCancellationRequested) await connection.WaitAsync(stoppingToken);
                await handling;
            }
            catch (Exception e) when (e is NpgsqlException && !stoppingToken.IsCancellationRequested)
            {
                LogListenFailed(log, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task HandleAsync(System.Threading.Channels.ChannelReader<string> requests, CancellationToken ct)
    {
        await foreach (var name in requests.ReadAllAsync(ct))
        {
            var daemon = coordinator.DaemonForMainDatabase();
            if (!daemon.IsRunning) continue; // not this node's daemon
            var shard = ShardProgress.ShardName(name);
            try
            {
                await daemon.StopAgentAsync(shard);
                await daemon.StartAgentAsync(shard, ct);
                LogRestarted(log, shard);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRestartFailed(log, shard, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 610, Level = LogLevel.Information, Message = "Restarted Marten agent {Shard} at an operator's request")]
    private static partial void LogRestarted(ILogger log, string shard);

    [LoggerMessage(EventId = 611, Level = LogLevel.Error, Message = "Could not restart Marten agent {Shard}: {Error}")]
    private static partial void LogRestartFailed(ILogger log, string shard, string error);

    [LoggerMessage(EventId = 612, Level = LogLevel.Warning, Message = "Listening for read model restarts failed, listening again: {Error}")]
    private static partial void LogListenFailed(ILogger log, string error);
}
