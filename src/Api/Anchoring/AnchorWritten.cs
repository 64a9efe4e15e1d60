namespace ZeroLagHub.Api.Anchoring;

/// <summary>A checkpoint written out. <paramref name="Sha256"/> is the digest of the file's bytes, as logged.</summary>
public sealed record AnchorWritten(string File, string Sha256, DateTimeOffset CreatedAt, int Streams, long LastSequence);
