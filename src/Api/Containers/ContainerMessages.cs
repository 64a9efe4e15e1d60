// The durable messages container commands cause. Stable names are registered in Extensions/ControlPlaneRegistration.cs.
namespace ZeroLagHub.Api.Containers;

/// <summary>Run the deployment's next stage (the process manager's one message).</summary>
public sealed record AdvanceDeployment(Guid DeploymentId);

/// <summary>Stop, start or delete the container on its host.</summary>
public sealed record HostCommand(Guid ContainerId, string Action, Guid CommandId);

/// <summary>POST an agent command (<c>server/start</c>, <c>code-server/stop</c>…), with the command id as its idempotency key.</summary>
public sealed record AgentCommand(Guid ContainerId, string Path, Guid CommandId);
