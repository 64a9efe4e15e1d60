namespace ZeroLagHub.Cli.Api;

/// <summary>Filters of <c>GET /api/deployments</c>; null is "any".</summary>
public sealed record DeploymentQuery(Guid? Container, string? User, string? State, DateTimeOffset? Since, DateTimeOffset? Until,
    DateTimeOffset? Before, int Limit);
