namespace ZeroLagHub.Cli.Api;

/// <summary>What login and refresh return.</summary>
public sealed record TokenPair(string AccessToken, DateTimeOffset ExpiresAt, string RefreshToken);
