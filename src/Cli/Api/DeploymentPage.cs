namespace ZeroLagHub.Cli.Api;

/// <summary>A page of deployment history; <see cref="Next"/> is the <c>before</c> cursor of the next page.</summary>
/// <param name="Users">The names of the users who asked, by id.</param>
public sealed record DeploymentPage(IReadOnlyList<DeploymentInfo> Items, DateTimeOffset? Next, IReadOnlyDictionary<Guid, string>? Users = null)
{
    /// <summary>Who asked for a deployment: the user's name, else the id recorded.</summary>
    public string RequesterOf(DeploymentInfo deployment) =>
        Guid.TryParse(deployment.RequestedBy, out var id) && Users?.GetValueOrDefault(id) is { } name ? name : deployment.RequestedBy;
}
