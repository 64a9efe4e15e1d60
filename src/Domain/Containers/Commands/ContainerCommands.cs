// The container's commands: imperative, one line each, decided by Container.Decide.
namespace ZeroLagHub.Domain.Containers;

/// <summary>Creates the container and queues deployment <paramref name="DeploymentId"/> to provision it.</summary>
public sealed record CreateContainer(Guid CommandId, Guid ContainerId, Guid DeploymentId, ContainerSpec Spec) : ContainerCommand(CommandId);

public sealed record DeleteContainer(Guid CommandId) : ContainerCommand(CommandId);

public sealed record StopContainer(Guid CommandId) : ContainerCommand(CommandId);

public sealed record StartContainer(Guid CommandId) : ContainerCommand(CommandId);

/// <summary>Runs provisioning again, with the same spec, as deployment <paramref name="DeploymentId"/>.</summary>
public sealed record Reprovision(Guid CommandId, Guid DeploymentId) : ContainerCommand(CommandId);

public sealed record StartServer(Guid CommandId) : ContainerCommand(CommandId);

public sealed record StopServer(Guid CommandId) : ContainerCommand(CommandId);

public sealed record RestartServer(Guid CommandId) : ContainerCommand(CommandId);

public sealed record KillServer(Guid CommandId) : ContainerCommand(CommandId);

public sealed record StartCodeServer(Guid CommandId) : ContainerCommand(CommandId);

public sealed record StopCodeServer(Guid CommandId) : ContainerCommand(CommandId);

public sealed record RestartCodeServer(Guid CommandId) : ContainerCommand(CommandId);
