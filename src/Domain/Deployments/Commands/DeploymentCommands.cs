using ZeroLagHub.Domain.Containers;

// The process manager's steps, decided by Deployment.Decide. Each may be delivered more than once.
namespace ZeroLagHub.Domain.Deployments;

public abstract record DeploymentCommand;

/// <summary>Opens the stream; decided together with the container's <c>CreateContainer</c> or <c>Reprovision</c>.</summary>
public sealed record QueueDeployment(Guid DeploymentId, Guid ContainerId, ContainerSpec Spec) : DeploymentCommand;

public sealed record StartStage(DeploymentStage Stage) : DeploymentCommand;

public sealed record CompleteStage(DeploymentStage Stage, IReadOnlyList<string> LogTail) : DeploymentCommand;

public sealed record FailStage(DeploymentStage Stage, string Error, IReadOnlyList<string> LogTail) : DeploymentCommand;

public sealed record CancelDeployment : DeploymentCommand;
