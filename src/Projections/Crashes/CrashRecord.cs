using ZeroLagHub.Domain.Servers;

namespace ZeroLagHub.Projections.Crashes;

/// <summary>One crash as the history shows it.</summary>
/// <param name="Position">The log position of its <c>ServerCrashed</c> event: unique, and the same after a rebuild.</param>
/// <param name="LogTail">The server's last console lines, the evidence for <paramref name="Classification"/>.</param>
public sealed record CrashRecord(
    long Position,
    Guid ContainerId,
    DateTimeOffset At,
    int? ExitCode,
    int? Signal,
    double UptimeSeconds,
    CrashClassification Classification,
    IReadOnlyList<string> LogTail);
