namespace ZeroLagHub.Cli.Api;

/// <summary>One projection as operators see it (<c>GET /api/admin/projections[/{name}]</c>).</summary>
/// <param name="State">running, rebuilding, faulted, stopped or held back.</param>
/// <param name="Generation">The live generation, the one readers see.</param>
/// <param name="Rebuild">The generation being built beside it; null when none is.</param>
public sealed record ProjectionStatus(string Name, string State, int Generation, LogPosition Position, long EventsBehind, double SecondsBehind,
    ProjectionFault? Fault, HeldBackBy? HeldBackBy, int? LeaderPid, RebuildProgress? Rebuild);

/// <summary>A place in the global event order.</summary>
public sealed record LogPosition(ulong TransactionId, long Position);

/// <summary>The event a projection stopped at and why.</summary>
public sealed record ProjectionFault(FaultedEvent Event, string Error, int Attempts, DateTimeOffset At);

public sealed record FaultedEvent(LogPosition LogPosition, string StreamId, long Version, string Type);

/// <summary>The oldest open transaction in the cluster, which keeps committed events out of the projection's reach.</summary>
public sealed record HeldBackBy(int Pid, string? Database, string? User, string? State, double TransactionAgeSeconds, DateTimeOffset? QueryStart,
    string? Query);

/// <summary>A generation being built: <paramref name="Done"/> of <paramref name="Total"/> events applied.</summary>
public sealed record RebuildProgress(int Generation, string State, long Done, long Total, double EventsPerSecond, double? EtaSeconds,
    ProjectionFault? Fault);
