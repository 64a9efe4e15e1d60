namespace ZeroLagHub.Api.Ide;

/// <summary>A single-use IDE token and the URL that opens the IDE with it (path or host mode).</summary>
public sealed record IdeTokenResponse(string Token, DateTimeOffset ExpiresAt, string Url);
