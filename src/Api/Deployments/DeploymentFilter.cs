namespace ZeroLagHub.Api.Deployments;

/// <summary>Filters of <c>GET /api/deployments</c>; each null is "any".</summary>
public sealed record DeploymentFilter(Guid? Container, string? User, string? State, DateTimeOffset? Since, DateTimeOffset? Until,
    DateTimeOffset? Before, int Limit);
