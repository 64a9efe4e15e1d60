namespace ZeroLagHub.Api.ReadModels;

/// <summary>What an operator needs to know about one read model (the JSON <c>zlh admin projections</c> reads).</summary>
/// <param name="State">running, rebuilding, faulted, or stopped (Marten's daemon runs no agent for it).</param>
/// <param name="Generation">The live generation, the one readers see.</param>
/// <param name="Position">The last event sequence applied (its transaction id is always 0 on Marten).</param>
/// <param name="EventsBehind">Events after <paramref name="Position"/> (0 for inline ones); counted up to 100,000.</param>
/// <param name="SecondsBehind">Age of the oldest event not yet applied.</param>
/// <param name="HeldBackBy">Always null on Marten: its daemon waits at a gap while a transaction that may fill it is open.</param>
/// <param name="LeaderPid">Always null on Marten: the daemon's node is not a projection's.</param>
public sealed record ReadModelStatus(
    string Name,
    string State,
    int Generation,
    SequencePosition Position,
    long EventsBehind,
    double SecondsBehind,
    ReadModelFault? Fault,
    object? HeldBackBy,
    int? LeaderPid,
    RebuildProgress? Rebuild);

/// <summary>A place in Marten's event order; <paramref name="TransactionId"/> stays for the CLI's older shape.</summary>
public sealed record SequencePosition(ulong TransactionId, long Position);

/// <summary>Why a read model stopped: the event it could not apply, and Marten's error.</summary>
public sealed record ReadModelFault(FaultedEvent Event, string Error, int Attempts, DateTimeOffset At);

public sealed record FaultedEvent(SequencePosition LogPosition, string StreamId, long Version, string Type);

/// <summary>A generation being built beside the live one: <paramref name="Done"/> of <paramref name="Total"/> events.</summary>
public sealed record RebuildProgress(int Generation, string State, long Done, long Total, double EventsPerSecond, double? EtaSeconds,
    ReadModelFault? Fault);
