// The durable messages container commands cause, on Wolverine's durable local queues (Messaging/).
// Their names are stored with them (inbox, dead letters): [MessageIdentity] keeps them whatever the CLR names.
using Wolverine.Attributes;

namespace ZeroLagHub.Api.Containers;

/// <summary>Run the deployment's next stage (the process manager's one message).</summary>
[MessageIdentity("message.advance_deployment")]
public sealed record AdvanceDeployment(Guid DeploymentId);

/// <summary>Stop, start or delete the container on its host.</summary>
[MessageIdentity("message.host_command")]
public sealed record HostCommand(Guid ContainerId, string Action, Guid CommandId);

/// <summary>POST an agent command (<c>server/start</c>, <c>code-server/stop</c>…), with the command id as its idempotency key.</summary>
[MessageIdentity("message.agent_command")]
public sealed record AgentCommand(Guid ContainerId, string Path, Guid CommandId);
