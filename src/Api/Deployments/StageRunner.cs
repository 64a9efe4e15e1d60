using ZeroLagHub.Api.Agents;
using ZeroLagHub.Api.Agents.Polling;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Deployments;

namespace ZeroLagHub.Api.Deployments;

/// <summary>
/// What each deployment stage does on the host and the agent. Every stage is safe to run twice (the
/// process manager delivers at least once): host calls are idempotent on the container id, agent calls
/// carry the stage's message id as their idempotency key, and installs are idempotent in the agent.
/// </summary>
/// <remarks>
/// What runs in the container (code-server, the game server) is recorded from the agent's journal only,
/// never from its answer to a start: <see cref="AgentPoller"/> ingests each entry once, and a second
/// writer would record each start twice. code-server is running when the agent answers (it journals the
/// start first), so that stage ingests the journal at once and the IDE opens as soon as the deployment
/// ends. A game server is only starting then (running comes with its ready line): that stage records
/// the deployment's request, and the poller the run.
/// </remarks>
public sealed class StageRunner(IContainerHost host, AgentClient agents, AgentPoller poller, TimeProvider time)
{
    private static readonly TimeSpan AgentWait = TimeSpan.FromSeconds(60);

    public Task<StageOutcome> RunAsync(DeploymentStage stage, DeploymentState deployment, Guid commandId, CancellationToken ct) => stage switch
    {
        DeploymentStage.CreateContainer => CreateAsync(deployment, ct),
        DeploymentStage.WaitForAgent => WaitForAgentAsync(deployment.ContainerId, ct),
        DeploymentStage.InstallRuntime => InstallRuntimeAsync(deployment, commandId, ct),
        DeploymentStage.InstallAddons or DeploymentStage.InstallServerFiles => InstallAddonsAsync(deployment, commandId, ct),
        DeploymentStage.StartCodeServer => StartCodeServerAsync(deployment.ContainerId, commandId, ct),
        DeploymentStage.StartServer => StartServerAsync(deployment, commandId, ct),
        DeploymentStage.Ready => Task.FromResult(StageOutcome.Success(["the dev environment is ready"])),
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "no runner for this stage"),
    };

    /// <summary><c>LocalContainerHost</c> → <c>local</c>: which host holds the container, as its events record it.</summary>
    private string HostName => host.GetType().Name.Replace("ContainerHost", "").ToLowerInvariant();

    private async Task<StageOutcome> CreateAsync(DeploymentState deployment, CancellationToken ct)
    {
        var log = new StageLog();
        HostedContainer hosted;
        try { hosted = await host.CreateAsync(new ContainerPlan(deployment.ContainerId, deployment.Kind, deployment.Spec!.Resources, deployment.Spec.Ports), log, ct); }
        catch (ContainerHostRefusedException e) { return StageOutcome.Failure(e.Message, log.Tail()); }
        var created = new ContainerCreated(hosted.Vmid, hosted.Address, HostName, time.GetUtcNow());
        return hosted.Ports is { Count: > 0 } ports
            ? StageOutcome.Success(log.Tail(), created, new PortsPublished(ports, time.GetUtcNow()))
            : StageOutcome.Success(log.Tail(), created);
    }

    private async Task<StageOutcome> WaitForAgentAsync(Guid containerId, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + AgentWait;
        string last = "no answer yet";
        while (time.GetUtcNow() < deadline)
        {
            try
            {
                var reply = await agents.GetAsync(containerId, "health", ct);
                if (reply.IsSuccess)
                {
                    var health = reply.Read<AgentHealth>();
                    return StageOutcome.Success([$"agent {health.Version} up, instance {health.InstanceId}"],
                        new AgentRegistered(health.InstanceId, time.GetUtcNow()));
                }
                last = reply.Problem;
            }
            catch (AgentUnavailableException e) { last = e.Message; }
            await Task.Delay(TimeSpan.FromMilliseconds(500), time, ct);
        }
        return StageOutcome.Failure($"the agent did not answer /health within {AgentWait.TotalSeconds:0} s: {last}", [last]);
    }

    private async Task<StageOutcome> InstallRuntimeAsync(DeploymentState deployment, Guid commandId, CancellationToken ct)
    {
        var spec = deployment.Spec!;
        if (spec.Runtime is null) return StageOutcome.Success(["no runtime requested"]);
        var reply = await agents.PostAsync(deployment.ContainerId, "provision",
            new ProvisionRequest(deployment.Kind, spec.Runtime, spec.Version, [], null), commandId, ct);
        var now = time.GetUtcNow();
        if (!reply.IsSuccess)
            return StageOutcome.Failure(reply.Problem, reply.Output,
                new RuntimeInstallFailed(spec.Runtime, spec.Version!, reply.Problem, reply.Output, now));
        var result = reply.Read<ProvisionResult>();
        var lines = result.Installs.Select(i => $"{i.Name} {i.Version}: {i.Outcome} in {i.Path} (sha256 {i.Sha256})").ToList();
        return StageOutcome.Success(lines, new RuntimeInstallSucceeded(spec.Runtime, spec.Version!, lines, now));
    }

    /// <summary>Addons for dev containers; for game servers the server files (addons) and the server spec the agent supervises.</summary>
    private async Task<StageOutcome> InstallAddonsAsync(DeploymentState deployment, Guid commandId, CancellationToken ct)
    {
        var spec = deployment.Spec!;
        var reply = await agents.PostAsync(deployment.ContainerId, "provision",
            new ProvisionRequest(deployment.Kind, spec.Runtime, spec.Version, spec.Addons, spec.Server), commandId, ct);
        var now = time.GetUtcNow();
        if (!reply.IsSuccess) return StageOutcome.Failure(reply.Problem, reply.Output);
        var result = reply.Read<ProvisionResult>();
        var lines = result.Installs.Select(i => $"{i.Name} {i.Version}: {i.Outcome}").Concat(result.Notes).ToList();
        var events = result.Installs.Where(i => i.Name != spec.Runtime)
            .Select(i => (object)new AddonInstalled(i.Name, i.Version, now)).ToList();
        events.Add(deployment.Kind == ContainerKind.Dev ? new DevEnvironmentReady(now) : (object)new ServerFilesInstalled(now));
        return StageOutcome.Success(lines, [.. events]);
    }

    private async Task<StageOutcome> StartCodeServerAsync(Guid containerId, Guid commandId, CancellationToken ct)
    {
        const string path = "dev/codeserver/start";
        var reply = await agents.PostAsync(containerId, path, null, commandId, ct);
        if (!reply.IsSuccess) return StageOutcome.Failure(reply.Problem, [$"{path}: {reply.Body}"]);
        await poller.PollNowAsync(containerId, ct);
        return StageOutcome.Success([$"{path}: {reply.Body}"]);
    }

    private async Task<StageOutcome> StartServerAsync(DeploymentState deployment, Guid commandId, CancellationToken ct)
    {
        const string path = "server/start";
        var reply = await agents.PostAsync(deployment.ContainerId, path, null, commandId, ct);
        return reply.IsSuccess
            ? StageOutcome.Success([$"{path}: {reply.Body}"], new ServerStartRequested(deployment.RequestedBy, commandId, time.GetUtcNow()))
            : StageOutcome.Failure(reply.Problem, [$"{path}: {reply.Body}"]);
    }
}
