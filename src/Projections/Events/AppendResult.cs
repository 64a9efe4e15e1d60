namespace ZeroLagHub.Projections.Events;

/// <summary>The stream's version after the append and the global position of its last event.</summary>
public sealed record AppendResult(string StreamId, long Version, long LastPosition);
