using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;

// The deployment stream's facts, one per provisioning run. Grouped in one file because each is a
// one-line record; their stable stored names are in DomainEvents.
namespace ZeroLagHub.Domain.Deployments;

/// <summary>The first event: who asked to provision which container, and the plan it will follow.</summary>
/// <param name="RequestedBy">The user id.</param>
/// <param name="Stages">The stages to run, in order (<see cref="DeploymentPlan"/> when it was queued).</param>
public sealed record DeploymentQueued(
    Guid DeploymentId, Guid ContainerId, string RequestedBy, ContainerKind Kind, ContainerSpec Spec,
    IReadOnlyList<DeploymentStage> Stages, DateTimeOffset At) : IDeploymentEvent;

public sealed record StageStarted(DeploymentStage Stage, DateTimeOffset At) : IDeploymentEvent;

/// <param name="LogTail">The stage's last log lines (host task log, installer output).</param>
public sealed record StageSucceeded(DeploymentStage Stage, DateTimeOffset At, TimeSpan Duration, IReadOnlyList<string> LogTail) : IDeploymentEvent;

/// <param name="Error">What went wrong, in one line a user can act on.</param>
public sealed record StageFailed(DeploymentStage Stage, DateTimeOffset At, TimeSpan Duration, string Error, IReadOnlyList<string> LogTail) : IDeploymentEvent;

/// <summary>Every stage succeeded.</summary>
public sealed record DeploymentSucceeded(DateTimeOffset At, TimeSpan Duration) : IDeploymentEvent;

public sealed record DeploymentFailed(DeploymentStage Stage, string Error, DateTimeOffset At) : IDeploymentEvent;

/// <summary>Stopped before the end (e.g. its container was deleted); the running stage's outcome is then ignored.</summary>
public sealed record DeploymentCancelled(string By, DateTimeOffset At) : IDeploymentEvent;
