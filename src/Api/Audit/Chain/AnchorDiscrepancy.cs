namespace ZeroLagHub.Api.Audit.Chain;

/// <summary>
/// A stream whose stored history no longer matches a head recorded earlier.
/// </summary>
/// <param name="Version">The first version known to differ: the first event whose hash no longer
/// matches its content, else the anchored version itself (the chain was rewritten consistently, so
/// only "at or before this version" can be said).</param>
/// <param name="Reason">What differs, for the auditor's report.</param>
public sealed record AnchorDiscrepancy(string StreamId, long Version, string Reason);
