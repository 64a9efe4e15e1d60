namespace ZeroLagHub.Cli.Session;

/// <summary>One API's login as kept in credentials.json. Both tokens are secrets: never printed.</summary>
public sealed record StoredSession(string Username, string AccessToken, DateTimeOffset ExpiresAt, string RefreshToken);
