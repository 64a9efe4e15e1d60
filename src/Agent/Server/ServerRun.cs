using ZeroLagHub.Agent.Holder;

namespace ZeroLagHub.Agent.Server;

/// <summary>
/// One run of the game server as the agent sees it: from a start (or a reattach after an agent restart)
/// to its exit. Times are on the agent's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class ServerRun
{
    public ServerRun(HolderConnection? holder, int? pid, DateTimeOffset startedAt, long oomKillsAtStart, string? stopCommand)
    {
        Holder = holder;
        Pid = pid;
        StartedAt = startedAt;
        OomKillsAtStart = oomKillsAtStart;
        Terminal = new ServerConsoleTerminal(this, stopCommand is null ? null : new StopCommandWatcher(stopCommand));
    }

    /// <summary>Null for a run that ended before the agent could connect (or while it was down).</summary>
    public HolderConnection? Holder { get; set; }

    public int? Pid { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>When the ready line appeared (or the ready timeout passed); null while starting.</summary>
    public DateTimeOffset? RunningSince { get; set; }

    public long OomKillsAtStart { get; }

    /// <summary>Set before anything that ends the server on purpose, so its exit is not taken for a crash.</summary>
    public volatile bool StopRequested;

    /// <summary>The agent's own log tail of this run, for when the holder died without writing its exit record.</summary>
    public LogTail Tail { get; } = new();

    public ServerConsoleTerminal Terminal { get; }

    /// <summary>Completes when the run's end has been recorded.</summary>
    public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Marks the exit that follows as asked for, here and in the holder's exit record (which outlives this agent).</summary>
    public async ValueTask RequestStopAsync()
    {
        StopRequested = true;
        if (Holder is { } holder) await holder.MarkStopRequestedAsync(CancellationToken.None);
    }
}
