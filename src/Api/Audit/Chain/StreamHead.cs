namespace ZeroLagHub.Api.Audit.Chain;

/// <summary>A stream's last version and the chain hash at that version.</summary>
public sealed record StreamHead(string StreamId, long Version, byte[] Hash);
