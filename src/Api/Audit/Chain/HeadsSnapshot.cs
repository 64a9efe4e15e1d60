namespace ZeroLagHub.Api.Audit.Chain;

/// <summary>Every stream's head as one consistent snapshot saw them.</summary>
/// <param name="LastSequence">The highest event sequence number (<c>mt_events.seq_id</c>) in that snapshot; 0 for an empty store.</param>
public sealed record HeadsSnapshot(long LastSequence, IReadOnlyList<StreamHead> Heads);
