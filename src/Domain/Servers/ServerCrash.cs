namespace ZeroLagHub.Domain.Servers;

/// <summary>A game server that exited without anyone asking it to: in the agent's journal (<c>server.crashed</c>) and <c>/status</c>.</summary>
/// <param name="ExitCode">Null when a signal ended it.</param>
/// <param name="Signal">The signal that ended it, null when it exited.</param>
/// <param name="UptimeSeconds">From start to exit.</param>
/// <param name="LogTail">Its last console lines (about 100), oldest first, without terminal escapes.</param>
public sealed record ServerCrash(
    DateTimeOffset At,
    int? ExitCode,
    int? Signal,
    double UptimeSeconds,
    CrashClassification Classification,
    IReadOnlyList<string> LogTail);
