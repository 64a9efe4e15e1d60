namespace ZeroLagHub.Cli.Api;

/// <summary><c>POST /api/dev/{id}/ide-token</c>.</summary>
public sealed record IdeToken(string Token);
