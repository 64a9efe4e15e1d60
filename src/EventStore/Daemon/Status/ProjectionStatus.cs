using ZeroLagHub.EventStore.Daemon.Progress;
using ZeroLagHub.EventStore.Reading;

namespace ZeroLagHub.EventStore.Daemon.Status;

/// <summary>What an operator needs to know about one projection.</summary>
/// <param name="State">running, rebuilding, faulted, stopped (no node leads it) or held back (an open transaction holds the horizon).</param>
/// <param name="EventsBehind">Events in the log after the live checkpoint (0 for inline projections); exact up to
/// 100,000, an estimate from table statistics beyond.</param>
/// <param name="SecondsBehind">Age of the oldest event not yet applied.</param>
/// <param name="LeaderPid">Backend pid of the leader's lock connection; null when no node leads.</param>
public sealed record ProjectionStatus(
    string Name,
    string State,
    int Generation,
    LogPosition Position,
    long EventsBehind,
    double SecondsBehind,
    ProjectionFault? Fault,
    HeldBackBy? HeldBackBy,
    int? LeaderPid,
    RebuildProgress? Rebuild);

/// <summary>The oldest open transaction in the cluster, which keeps committed events out of reach.</summary>
public sealed record HeldBackBy(int Pid, string? Database, string? User, string? State, double TransactionAgeSeconds,
    DateTimeOffset? QueryStart, string? Query);

/// <summary>A generation being built beside the live one.</summary>
public sealed record RebuildProgress(int Generation, string State, long Done, long Total, double EventsPerSecond, double? EtaSeconds,
    ProjectionFault? Fault);
