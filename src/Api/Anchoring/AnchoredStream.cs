namespace ZeroLagHub.Api.Anchoring;

/// <summary>One stream in a checkpoint: its version then and the chain hash at that version (lowercase hex).</summary>
public sealed record AnchoredStream(string Stream, long Version, string Hash);
