using ZeroLagHub.Projections.Deployments;

namespace ZeroLagHub.Api.Deployments;

/// <summary>A page of the deployment history, newest first.</summary>
/// <param name="Next">The <c>before</c> of the next page (the last item's <c>queuedAt</c>), or null when this page was the last.</param>
public sealed record DeploymentPage(IReadOnlyList<DeploymentHistoryRow> Items, DateTimeOffset? Next);
