using Npgsql;

namespace ZeroLagHub.EventStore.Daemon;

/// <summary>
/// Wakes readers of the log after an append commits: at once on this node, and through
/// <c>NOTIFY es_appended</c> on the others. The NOTIFY is sent after commit, never inside the
/// appending transaction (there it takes a cluster-wide lock until commit), and coalesced so a burst
/// of appends costs one notification. A lost signal only delays readers until their timer re-check.
/// </summary>
public sealed class CommitSignal(NpgsqlDataSource dataSource)
{
    public const string Channel = "es_appended";

    private static readonly TimeSpan CoalesceWindow = TimeSpan.FromMilliseconds(20);

    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _notifyPending;

    /// <summary>
    /// Completes at the next signal. Take it before reading, then wait on it if the read found nothing,
    /// so a commit between the read and the wait is not missed.
    /// </summary>
    public Task Next() => Volatile.Read(ref _next).Task;

    /// <summary>Call after a commit that appended events: wakes this node and, shortly, the others.</summary>
    public void Committed()
    {
        RaiseLocal();
        if (Interlocked.Exchange(ref _notifyPending, 1) == 0) _ = Task.Run(NotifyOtherNodes);
    }

    /// <summary>Wakes this node's readers only (e.g. on a notification from another node).</summary>
    public void RaiseLocal() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private async Task NotifyOtherNodes()
    {
        // Appends within the window share one notification; each NOTIFY is a transaction of its own.
        await Task.Delay(CoalesceWindow);
        Volatile.Write(ref _notifyPending, 0); // appends from here on schedule another notification
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            // A lost notification costs a timer tick, not data: do not wait for the WAL flush.
            await using var command = new NpgsqlCommand($"SET LOCAL synchronous_commit = off; NOTIFY {Channel}", connection, tx);
            await command.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }
        catch (NpgsqlException)
        {
            // Other nodes re-check on their timer; nothing is lost.
        }
        catch (ObjectDisposedException)
        {
            // Shutting down.
        }
    }
}
