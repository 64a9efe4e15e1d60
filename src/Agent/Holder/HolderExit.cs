namespace ZeroLagHub.Agent.Holder;

/// <summary>
/// How the held server ended, written to <c>exit.json</c> by the holder BEFORE it goes away, so an agent
/// that was down at that moment still learns of it. Exactly one of <see cref="ExitCode"/> and
/// <see cref="Signal"/> is set, except when the server could not even be started (exit code 127).
/// </summary>
/// <param name="StopRequested">An agent asked for this exit (stop, restart, kill, or the stop command typed in the console).</param>
/// <param name="LogTail">Its last console lines (about 100), oldest first, without terminal escapes.</param>
public sealed record HolderExit(
    int? ServerPid,
    DateTimeOffset StartedAt,
    DateTimeOffset ExitedAt,
    int? ExitCode,
    int? Signal,
    bool StopRequested,
    IReadOnlyList<string> LogTail);
