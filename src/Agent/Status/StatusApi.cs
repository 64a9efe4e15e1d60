using Microsoft.Extensions.Options;
using ZeroLagHub.Agent.CodeServer;
using ZeroLagHub.Agent.Hosting;
using ZeroLagHub.Agent.Journal;
using ZeroLagHub.Agent.Provisioning;
using ZeroLagHub.Agent.Server;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Status;

/// <summary><c>GET /status</c>: the runtime state. (<c>/health</c> says only that the agent is up.)</summary>
public static class StatusApi
{
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/status", GetStatus);
        return routes;
    }

    private static AgentStatus GetStatus(IOptions<AgentOptions> options, ProvisionStateStore provisioning,
        CodeServerLocator codeServer, AgentJournal journal, ServerSupervisor supervisor)
    {
        var o = options.Value;
        // The server first: its crash is recorded in the provisioning state before its state says so.
        var server = supervisor.Status();
        var state = provisioning.Current;
        return new AgentStatus(o.ContainerId, o.Vmid, o.Kind,
            state.RuntimeInstalled, state.Runtime, state.RuntimeVersion, state.RuntimeInstallPath,
            DevProvisioned: state.DevReadyAt is not null, state.DevReadyAt,
            o.WorkspaceRoot, o.ServerRoot,
            codeServer.IsInstalled, CodeServerRunning: codeServer.FindRunning() is not null,
            state.LastCrashClassification,
            server,
            ResourceMeter.Measure(), journal.JournalId, journal.LatestSeq);
    }
}
