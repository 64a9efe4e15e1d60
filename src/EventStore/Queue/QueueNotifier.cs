using Microsoft.Extensions.Logging;
using Npgsql;

namespace ZeroLagHub.EventStore.Queue;

/// <summary>
/// Tells workers on other nodes that something was enqueued, with a <c>NOTIFY</c> sent in a transaction
/// of its own after the enqueue committed. Requests coalesce: while one NOTIFY is on its way, any number
/// of further requests cost one more, not one each.
/// </summary>
/// <remarks>
/// NOTE: NOTIFY inside the enqueuing transaction was rejected: a notifying commit takes a cluster-wide
/// lock, so every enqueue (and with it every event append it rides along with) would serialise on it.
/// The NOTIFY is also committed with <c>synchronous_commit = off</c>: a notifying transaction gets an
/// xid and hence a commit record, and waiting for that record's fsync would cost as much as the enqueue
/// itself for a wake-up nobody needs to survive a crash. A lost NOTIFY costs at most the workers' idle
/// wait (≤ 1 s by default). Sends are at least <see cref="MinInterval"/> apart: each one is a transaction
/// and a wake-up of every listening worker in the cluster, and 25 ms is far inside the promised ~1 s.
/// </remarks>
internal sealed class QueueNotifier(NpgsqlDataSource dataSource, string nodeId, ILogger logger)
{
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(25);
    private const string Sql = $"SELECT set_config('synchronous_commit', 'off', true), pg_notify('{QueueChannel.Name}', @node)";

    // 0 idle, 1 sending, more than 1 sending and requested again meanwhile (the sender resets it to 1).
    private int _state;

    public void Request()
    {
        if (Interlocked.Increment(ref _state) == 1) _ = Task.Run(SendAsync);
    }

    private async Task SendAsync()
    {
        var first = true;
        do
        {
            if (!first) await Task.Delay(MinInterval);
            first = false;
            // From here on a new request must cause one more send: it may have been enqueued after
            // the NOTIFY below was written.
            Volatile.Write(ref _state, 1);
            try
            {
                await using var command = dataSource.CreateCommand(Sql);
                command.Parameters.Add(new NpgsqlParameter<string>("node", nodeId));
                await command.ExecuteNonQueryAsync();
            }
            catch (Exception e)
            {
                // Whatever it was (the database away, the data source disposed at shutdown): not worth a
                // retry, the workers' timer finds the message within their idle wait. Caught whole
                // because nobody observes this task, and escaping would leave _state stuck, muting
                // every later NOTIFY.
                QueueLog.NotifyFailed(logger, e);
            }
        }
        while (Interlocked.CompareExchange(ref _state, 0, 1) != 1);
    }
}
