using ZeroLagHub.Domain.Servers;

namespace ZeroLagHub.Projections.Status;

/// <summary>The latest crash as the status shows it; the log tail is in the crash history.</summary>
public sealed record CrashSummary(DateTimeOffset At, int? ExitCode, int? Signal, CrashClassification Classification);
