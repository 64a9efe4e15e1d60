namespace ZeroLagHub.Api.Auth;

/// <summary>What login and refresh return. <see cref="ExpiresAt"/> is the access token's expiry.</summary>
public sealed record TokenResponse(string AccessToken, DateTimeOffset ExpiresAt, string RefreshToken);
