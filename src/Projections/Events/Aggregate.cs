namespace ZeroLagHub.Projections.Events;

/// <summary>State folded from a stream, and the version of the last event folded in (0 for none).</summary>
public sealed record Aggregate<TState>(TState State, long Version);
