using ZeroLagHub.Projections.Deployments;

namespace ZeroLagHub.Api.Deployments;

/// <summary>A page of the deployment history, newest first.</summary>
/// <param name="Next">The <c>before</c> of the next page (the last item's <c>queuedAt</c>), or null when this page was the last.</param>
/// <param name="Users">The names of the users who asked (<c>requestedBy</c>), by id.</param>
public sealed record DeploymentPage(IReadOnlyList<DeploymentHistoryRow> Items, DateTimeOffset? Next, IReadOnlyDictionary<Guid, string> Users);
