namespace ZeroLagHub.Api.Auth.Tokens;

/// <summary>A signed token, its <c>jti</c> and its expiry (whole seconds, as in the token).</summary>
public sealed record IssuedToken(string Token, string Id, DateTimeOffset ExpiresAt);
