using ZeroLagHub.Api.Agents;
using ZeroLagHub.Api.Commands;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.EventStore;
using ZeroLagHub.EventStore.Appending;
using ZeroLagHub.EventStore.Queue;

namespace ZeroLagHub.Api.Containers;

/// <summary>
/// Carries out accepted commands: host actions (stop, start, delete) and agent commands (server and
/// code-server power). The agent's answer becomes events; an unreachable agent or host throws, and the
/// queue retries with the same command id, which the agent answers with its first result.
/// </summary>
public sealed partial class ContainerActions(IContainerHost host, AgentClient agents, ControlPlaneTransaction writer,
    TimeProvider time, ILogger<ContainerActions> logger)
{
    public async Task HandleAsync(Envelope<HostCommand> envelope, CancellationToken ct)
    {
        var (containerId, action, _) = envelope.Message;
        var log = new StageLog();
        switch (action)
        {
            case "stop": await host.StopAsync(containerId, log, ct); break;
            case "start": await host.StartAsync(containerId, log, ct); break;
            case "delete": await host.DeleteAsync(containerId, log, ct); break;
            default: throw new InvalidOperationException($"unknown host action '{action}'");
        }
        LogHostAction(logger, containerId, action, string.Join(" | ", log.Tail()));
    }

    public async Task HandleAsync(Envelope<AgentCommand> envelope, CancellationToken ct)
    {
        var (containerId, path, commandId) = envelope.Message;
        var reply = await agents.PostAsync(containerId, path, null, commandId, ct);
        if (reply.StatusCode >= 500) throw new AgentUnavailableException($"{path}: {reply.Problem}");
        var now = time.GetUtcNow();
        object? fact = !reply.IsSuccess ? null : path switch
        {
            "server/start" or "server/restart" => new ServerStarted(now),
            "server/stop" or "server/kill" => new ServerStopped(now),
            "dev/codeserver/start" or "dev/codeserver/restart" => new CodeServerStarted(now),
            "dev/codeserver/stop" => new CodeServerStopped(now),
            _ => null,
        };
        LogAgentCommand(logger, containerId, path, reply.StatusCode, reply.IsSuccess ? "" : reply.Problem);
        if (fact is null) return; // refused by the agent (409 busy, no server…): the poller reports the real state
        await writer.WriteAsync([new StreamAppend(Container.StreamId(containerId), ExpectedVersion.Any, [fact])], [],
            new EventMetadata(User: "system", CausationId: commandId.ToString()), null, ct);
    }

    [LoggerMessage(1, LogLevel.Information, "Container {ContainerId}: host {Action} done ({Log})")]
    private static partial void LogHostAction(ILogger logger, Guid containerId, string action, string log);

    [LoggerMessage(2, LogLevel.Information, "Container {ContainerId}: agent {Path} answered {Status} {Problem}")]
    private static partial void LogAgentCommand(ILogger logger, Guid containerId, string path, int status, string problem);
}
