using Microsoft.Extensions.Logging;
using Npgsql;

namespace ZeroLagHub.EventStore.Queue;

/// <summary>
/// Holds one connection in <c>LISTEN</c> on <see cref="QueueChannel"/> and wakes a worker for every
/// notification from another node, so a message enqueued there is picked up at once rather than on the
/// timer. Notifications from this node (payload = its node id) are skipped: the in-process signal has
/// already woken a worker for them.
/// </summary>
/// <remarks>
/// Best effort by design: while the connection is down (or half-open, which only a keepalive in the
/// connection string would reveal) the worker's idle timer still finds every message, just later.
/// </remarks>
internal static class QueueListener
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    public static async Task RunAsync(NpgsqlDataSource dataSource, string ownNodeId, Action wake, string workerId, ILogger logger,
        TimeProvider time, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct);
                connection.Notification += (_, e) =>
                {
                    if (e.Payload != ownNodeId) wake();
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {QueueChannel.Name}", connection))
                    await listen.ExecuteNonQueryAsync(ct);
                // Anything enqueued while we were not listening has sent its NOTIFY into the void.
                wake();
                while (true) await connection.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                QueueLog.ListenerFailed(logger, workerId, e);
                try { await Task.Delay(ReconnectDelay, time, ct); }
                catch (OperationCanceledException) { return; }
            }
        }
    }
}
