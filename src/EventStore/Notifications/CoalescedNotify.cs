using Npgsql;

namespace ZeroLagHub.EventStore.Notifications;

/// <summary>
/// Tells other nodes that something was committed (events appended, messages enqueued), with a
/// <c>NOTIFY</c> on <paramref name="channel"/> sent in a transaction of its own after that commit.
/// Requests coalesce: while one NOTIFY is on its way, any number of further requests cost one more,
/// not one each.
/// </summary>
/// <remarks>
/// NOTE: NOTIFY inside the committing transaction was rejected: a notifying commit takes a cluster-wide
/// lock, so every append or enqueue would serialise on it.
/// The NOTIFY is also committed with <c>synchronous_commit = off</c>: a notifying transaction gets an
/// xid and hence a commit record, and waiting for that record's fsync would cost as much as the enqueue
/// itself for a wake-up nobody needs to survive a crash. A lost NOTIFY costs at most the listeners'
/// timer re-check (≤ 1 s). Sends are at least <see cref="MinInterval"/> apart: each one is a transaction
/// and a wake-up of every listener in the cluster, and 25 ms is far inside the promised ~1 s.
/// </remarks>
/// <param name="payload">Sent with every notification (e.g. this node's id, so it can skip its own echo).</param>
/// <param name="onFailure">Told of a failed send; nothing is retried.</param>
internal sealed class CoalescedNotify(NpgsqlDataSource dataSource, string channel, string payload, Action<Exception>? onFailure = null)
{
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(25);
    private const string Sql = "SELECT set_config('synchronous_commit', 'off', true), pg_notify(@channel, @payload)";

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
                command.Parameters.Add(new NpgsqlParameter<string>("channel", channel));
                command.Parameters.Add(new NpgsqlParameter<string>("payload", payload));
                await command.ExecuteNonQueryAsync();
            }
            catch (Exception e)
            {
                // Whatever it was (the database away, the data source disposed at shutdown): not worth a
                // retry, the listeners' timer finds the change within a second. Caught whole
                // because nobody observes this task, and escaping would leave _state stuck, muting
                // every later NOTIFY.
                onFailure?.Invoke(e);
            }
        }
        while (Interlocked.CompareExchange(ref _state, 0, 1) != 1);
    }
}
