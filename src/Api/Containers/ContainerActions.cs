using ZeroLagHub.Api.Agents;
using ZeroLagHub.Api.Agents.Polling;
using ZeroLagHub.Api.Hosts;

namespace ZeroLagHub.Api.Containers;

/// <summary>
/// Carries out accepted commands: host actions (stop, start, delete) and agent commands (server and
/// code-server power), as Wolverine handlers. An unreachable agent or host throws, and Wolverine retries with
/// the same command id, which the agent answers with its first result.
/// </summary>
/// <remarks>
/// An agent command writes no event itself. What the agent did (code-server started, server running or
/// stopped) is a fact of the agent's journal, recorded once by the poller's fenced ingestion; after the
/// agent's answer this handler runs that ingestion for the container at once, so the fact shows without
/// waiting for the next cycle. A redelivered message thus records nothing new: the agent repeats its
/// first answer and the journal has no new entry.
/// </remarks>
public sealed partial class ContainerActions(IContainerHost host, AgentClient agents, AgentPoller poller, ILogger<ContainerActions> logger)
{
    public async Task HandleAsync(HostCommand message, CancellationToken ct)
    {
        var (containerId, action, _) = message;
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

    public async Task HandleAsync(AgentCommand message, CancellationToken ct)
    {
        var (containerId, path, commandId) = message;
        var reply = await agents.PostAsync(containerId, path, null, commandId, ct);
        if (reply.StatusCode >= 500) throw new AgentUnavailableException($"{path}: {reply.Problem}");
        LogAgentCommand(logger, containerId, path, reply.StatusCode, reply.IsSuccess ? "" : reply.Problem);
        // Refused (409 busy, no server…): nothing changed, and the journal says what runs.
        if (reply.IsSuccess) await poller.PollNowAsync(containerId, ct);
    }

    [LoggerMessage(1, LogLevel.Information, "Container {ContainerId}: host {Action} done ({Log})")]
    private static partial void LogHostAction(ILogger logger, Guid containerId, string action, string log);

    [LoggerMessage(2, LogLevel.Information, "Container {ContainerId}: agent {Path} answered {Status} {Problem}")]
    private static partial void LogAgentCommand(ILogger logger, Guid containerId, string path, int status, string problem);
}
