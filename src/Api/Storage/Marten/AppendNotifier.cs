using Marten;
using Marten.Events.Daemon.HighWater;
using Marten.Services;
using Npgsql;

namespace ZeroLagHub.Api.Storage.Marten;

/// <summary>
/// Wakes Marten's async daemon after appends with one NOTIFY on Marten's own channel, sent after the append
/// committed and coalesced: at most one in flight, and every commit signalled while one is in flight is
/// covered by the next. Replaces <c>UseListenNotifyForEventAppends</c>, whose NOTIFY inside every append
/// transaction made PostgreSQL serialise those commits on its notification queue lock (about three quarters of
/// the server's time in the append benchmark at 8 writers). The daemon listens through <see cref="DaemonWakeup"/>,
/// on whichever node runs it, and polls as before should a NOTIFY be lost.
/// </summary>
/// <remarks>
/// Signalled by every Marten session that committed events (<see cref="AfterCommitAsync"/>) and by
/// <see cref="MartenEventStore.AfterCommit"/> for appends in a caller's transaction, which Marten does not commit.
/// </remarks>
/// <param name="local">This node's daemon wake-up, signalled at once before the NOTIFY is sent (none: the NOTIFY alone).</param>
public sealed partial class AppendNotifier(NpgsqlDataSource dataSource, ILogger logger, DaemonWakeup? local = null) : DocumentSessionListenerBase
{
    /// <summary>The NOTIFY's payload (Marten's listener ignores it): tells ours from Marten's own, which is empty.</summary>
    public const string Payload = "zlh-append";

    // Its own tiny transaction, committed without waiting for the WAL flush: a NOTIFY is delivered at commit
    // and needs no durability (after a crash the daemon catches up by polling anyway).
    private static readonly string NotifySql =
        $"DO $$ BEGIN PERFORM set_config('synchronous_commit', 'off', true); PERFORM pg_notify('{PostgresqlListenWakeup.DefaultChannel}', '{Payload}'); END $$";

    // Caps the daemon's wake-ups under a stream of appends; far below the latency the daemon adds anyway.
    private static readonly TimeSpan MinimumGap = TimeSpan.FromMilliseconds(2);

    private const int Idle = 0, Owed = 1, OwedAgain = 2;
    private static readonly AsyncLocal<bool> CallerCommits = new();
    private int _state;

    /// <summary>
    /// Sessions saved within the scope write in a caller's transaction: Marten calls its listeners at SaveChanges
    /// all the same, which would wake the daemon before the commit (a wasted wake-up: nothing is visible yet). The
    /// caller calls <see cref="Committed"/> after its commit instead.
    /// </summary>
    public static IDisposable InCallersTransaction()
    {
        CallerCommits.Value = true;
        return new CallerScope();
    }

    /// <summary>Events were committed: a NOTIFY that starts after this call will follow.</summary>
    public void Committed()
    {
        local?.Signal();
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if (state == OwedAgain) return;
            if (Interlocked.CompareExchange(ref _state, state + 1, state) != state) continue;
            if (state == Idle) _ = Task.Run(PumpAsync);
            return;
        }
    }

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        if (!CallerCommits.Value && commit.GetEvents().Any()) Committed();
        return Task.CompletedTask;
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            try
            {
                await using var command = dataSource.CreateCommand(NotifySql);
                await command.ExecuteNonQueryAsync();
            }
#pragma warning disable CA1031 // whatever failed, the pump must reach the state change below or no NOTIFY would ever follow
            catch (Exception e)
#pragma warning restore CA1031
            {
                // The daemon's polling covers a missed wake-up.
                LogNotifyFailed(logger, e);
            }
            // Owed → Idle ends the pump; OwedAgain: a commit came in during the NOTIFY, send one more.
            if (Interlocked.CompareExchange(ref _state, Idle, Owed) == Owed) return;
            Volatile.Write(ref _state, Owed);
            await Task.Delay(MinimumGap);
        }
    }

    private sealed class CallerScope : IDisposable
    {
        public void Dispose() => CallerCommits.Value = false;
    }

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Could not wake the projection daemon after an append; it catches up by polling")]
    private static partial void LogNotifyFailed(ILogger logger, Exception error);
}
