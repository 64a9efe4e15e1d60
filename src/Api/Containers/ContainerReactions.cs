using ZeroLagHub.Api.Commands;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Containers;

/// <summary>What an accepted container command sends on, enqueued in the same transaction as its events.</summary>
public static class ContainerReactions
{
    public static IReadOnlyList<OutgoingMessage> For(Guid containerId, ContainerCommand command)
    {
        object? message = command switch
        {
            CreateContainer c => new AdvanceDeployment(c.DeploymentId),
            Reprovision r => new AdvanceDeployment(r.DeploymentId),
            DeleteContainer => new HostCommand(containerId, "delete", command.CommandId),
            StopContainer => new HostCommand(containerId, "stop", command.CommandId),
            StartContainer => new HostCommand(containerId, "start", command.CommandId),
            StartServer => new AgentCommand(containerId, "server/start", command.CommandId),
            StopServer => new AgentCommand(containerId, "server/stop", command.CommandId),
            RestartServer => new AgentCommand(containerId, "server/restart", command.CommandId),
            KillServer => new AgentCommand(containerId, "server/kill", command.CommandId),
            StartCodeServer => new AgentCommand(containerId, "dev/codeserver/start", command.CommandId),
            StopCodeServer => new AgentCommand(containerId, "dev/codeserver/stop", command.CommandId),
            RestartCodeServer => new AgentCommand(containerId, "dev/codeserver/restart", command.CommandId),
            _ => null,
        };
        return message is null ? [] : [new OutgoingMessage(message)];
    }
}
