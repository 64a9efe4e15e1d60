namespace ZeroLagHub.Domain.Agent;

/// <summary><c>PUT /files/content?path=</c>: the file now holds exactly these bytes (it was replaced whole).</summary>
/// <param name="Sha256">Lower-case hex digest of what was written, for the caller to compare with what it sent.</param>
public sealed record FileWritten(string Path, long Size, string Sha256);
