namespace ZeroLagHub.Cli.Api;

/// <summary>A page of deployment history; <see cref="Next"/> is the <c>before</c> cursor of the next page.</summary>
public sealed record DeploymentPage(IReadOnlyList<DeploymentInfo> Items, DateTimeOffset? Next);
