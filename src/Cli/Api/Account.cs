namespace ZeroLagHub.Cli.Api;

/// <summary><c>GET /api/auth/me</c>.</summary>
public sealed record Account(Guid Id, string Username, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt);
