using Npgsql;
using ZeroLagHub.EventStore.Notifications;

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

    private readonly CoalescedNotify _otherNodes = new(dataSource, Channel, payload: "");
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes at the next signal. Take it before reading, then wait on it if the read found nothing,
    /// so a commit between the read and the wait is not missed.
    /// </summary>
    public Task Next() => Volatile.Read(ref _next).Task;

    /// <summary>Call after a commit that appended events: wakes this node and, shortly, the others.</summary>
    public void Committed()
    {
        RaiseLocal();
        _otherNodes.Request();
    }

    /// <summary>Wakes this node's readers only (e.g. on a notification from another node).</summary>
    public void RaiseLocal() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
