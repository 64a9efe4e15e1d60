namespace ZeroLagHub.Cli.Api;

/// <summary><c>POST /api/dev/{id}/ide-token</c>.</summary>
/// <param name="Url">Where the token opens the IDE: absolute when the API serves the IDE on its own host (host mode).</param>
public sealed record IdeToken(string Token, string? Url = null);
