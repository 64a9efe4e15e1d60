using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using ZeroLagHub.Api.Hosts.Proxmox.Client;
using ZeroLagHub.Api.Hosts.Proxmox.Client.Models;
using ZeroLagHub.Api.Hosts.Proxmox.Enrollment;
using ZeroLagHub.Api.Hosts.Proxmox.Privileged;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Api.Hosts.Proxmox;

/// <summary>
/// Containers as Proxmox LXCs cloned from a golden template that holds the agent.
/// </summary>
/// <remarks>
/// Create, step by step (each step writes its UPID and task log tail to the stage log):
/// 1. Look the container up by its hostname <c>zlh-&lt;container id&gt;</c> on every node: a repeated
///    create resumes the LXC made before (the hostname is set by the clone call itself, so it is
///    visible from the moment Proxmox accepted the clone, unlike tags which need a second call).
/// 2. Otherwise pick the online node with the most free memory, take <c>/cluster/nextid</c> and clone;
///    a clash (another client took the vmid first) retries with the next id.
/// 3. Wait for Proxmox's lock to clear, then set cores, memory, network and tags; grow the root disk.
/// 4. Start it, wait for an address on eth0.
/// 5. Unless the agent already answers, push a one-time enrollment token through the privileged runner
///    and wait until the agent answers <c>/health</c> with this container's id.
/// The vmid is an attribute: Proxmox reuses freed vmids, so nothing is keyed by it.
/// A node that does not answer is skipped (and logged) by the lookup as by the placement, so one node down
/// stops only the containers on it. Since a skipped node may hold the container, a delete that does not
/// find it while a node is skipped fails (to be retried) instead of reporting it gone.
/// </remarks>
public sealed partial class ProxmoxContainerHost(
    IReadOnlyList<ProxmoxNode> nodes,
    ProxmoxHostOptions options,
    AgentEnrollment enrollment,
    IPrivilegedRunner runner,
    HttpClient agentHttp,
    TimeProvider time,
    ILogger<ProxmoxContainerHost> logger) : IContainerHost
{
    private const string EnrollmentPath = "/etc/zlh/enrollment.json";
    private const int VmidClashAttempts = 5;
    private readonly ConcurrentDictionary<Guid, string> _addresses = new();
    private WaitTaskOptions TaskOptions => new() { Timeout = options.TaskTimeout };

    public static string HostnameFor(Guid containerId) => $"zlh-{containerId:N}";

    public async Task<HostedContainer> CreateAsync(ContainerPlan plan, StageLog log, CancellationToken ct)
    {
        try
        {
            return await CreateOrResumeAsync(plan, log, ct);
        }
        catch (ProxmoxException e) when (e is ProxmoxPermissionException or ProxmoxTaskFailedException)
        {
            // The task's own log is already in the stage log (WaitAndLogAsync); a 403 has only its message.
            var reason = e.Message.Split(Environment.NewLine)[0];
            if (e is ProxmoxPermissionException) log.Write(reason);
            throw new ContainerHostRefusedException(reason, e);
        }
    }

    private async Task<HostedContainer> CreateOrResumeAsync(ContainerPlan plan, StageLog log, CancellationToken ct)
    {
        var id = plan.ContainerId;
        log.Write($"proxmox: create {id} ({plan.Kind}, {plan.Resources.Cores} cores, {plan.Resources.MemoryMb} MB, {plan.Resources.DiskGb} GB)");

        // :: Step 1 — resume what an earlier attempt made.
        var located = await LocateAsync(id, ct);
        foreach (var skipped in located.Unreachable) log.Write($"node {skipped} did not answer the lookup: skipped");
        var (node, vmid) = located.Found switch
        {
            { } found => Resume(found, log),
            null => await CloneAsync(plan, log, ct), // :: Step 2
        };

        // :: Step 3
        await WaitUnlockedAsync(node, vmid, log, ct);
        await ConfigureAsync(node, vmid, plan, log, ct);

        // :: Step 4
        await EnsureRunningAsync(node, vmid, log, ct);
        var address = await WaitForAddressAsync(node, vmid, log, ct);
        _addresses[id] = address;

        // :: Step 5
        if (await AgentAnswersAsync(address, id, ct))
            log.Write($"agent on {address}:{options.AgentPort} already enrolled and healthy");
        else
        {
            await PushEnrollmentAsync(node, vmid, plan, log, ct);
            await WaitForAgentAsync(address, id, log, ct);
        }
        Log.Created(logger, id, vmid, node.Name, address);
        return new HostedContainer(id, vmid, address);
    }

    public async Task StartAsync(Guid containerId, StageLog log, CancellationToken ct)
    {
        var located = await LocateAsync(containerId, ct);
        var (node, summary) = located.Found ?? throw NotFound(containerId, located.Unreachable);
        await EnsureRunningAsync(node, summary.Vmid, log, ct);
        // DHCP may have given it another address: FindAgentAsync asks Proxmox again.
        _addresses.TryRemove(containerId, out _);
    }

    public async Task StopAsync(Guid containerId, StageLog log, CancellationToken ct)
    {
        var located = await LocateAsync(containerId, ct);
        var (node, summary) = located.Found ?? throw NotFound(containerId, located.Unreachable);
        // A stopped container has no agent to find; after its start it may have another address.
        _addresses.TryRemove(containerId, out _);
        var status = await node.Client.GetContainerStatusAsync(node.Name, summary.Vmid, ct);
        if (!status.IsRunning)
        {
            log.Write($"CT {summary.Vmid} on {node.Name} already stopped");
            return;
        }
        var upid = await node.Client.ShutdownContainerAsync(node.Name, summary.Vmid, options.ShutdownTimeout, forceStop: true, ct);
        await WaitAndLogAsync(node, upid, $"shutdown CT {summary.Vmid} (hard stop after {options.ShutdownTimeout.TotalSeconds:0} s)", log, ct);
        _addresses.TryRemove(containerId, out _);
    }

    public async Task DeleteAsync(Guid containerId, StageLog log, CancellationToken ct)
    {
        await enrollment.RevokeAsync(containerId, ct);
        _addresses.TryRemove(containerId, out _);
        var located = await LocateAsync(containerId, ct);
        if (located.Found is not var (node, summary))
        {
            if (located.Unreachable.Count > 0)
                throw new ProxmoxException($"Cannot tell whether {HostnameFor(containerId)} is gone: node {string.Join(", ", located.Unreachable)} did not answer; retry when it is back.");
            log.Write($"proxmox: {containerId} is already gone");
            return;
        }
        if ((await node.Client.GetContainerStatusAsync(node.Name, summary.Vmid, ct)).IsRunning)
            await WaitAndLogAsync(node, await node.Client.StopContainerAsync(node.Name, summary.Vmid, ct), $"stop CT {summary.Vmid}", log, ct);
        await WaitAndLogAsync(node, await node.Client.DestroyContainerAsync(node.Name, summary.Vmid, purge: true, ct), $"destroy CT {summary.Vmid}", log, ct);
        Log.Deleted(logger, containerId, summary.Vmid, node.Name);
    }

    public async ValueTask<AgentEndpoint?> FindAgentAsync(Guid containerId, CancellationToken ct)
    {
        if (!_addresses.TryGetValue(containerId, out var address))
        {
            if ((await LocateAsync(containerId, ct)).Found is not var (node, summary) || summary.Status != "running") return null;
            var eth0 = (await node.Client.GetContainerInterfacesAsync(node.Name, summary.Vmid, ct)).FirstOrDefault(i => i.Name == "eth0");
            if (eth0?.Address is null) return null;
            address = _addresses[containerId] = eth0.Address;
        }
        return new AgentEndpoint(AgentUri(address), enrollment.AgentTokenFor(containerId));
    }

    /// <summary>The container's node and LXC, searched by hostname on every node that answers; the ones that did not are named.</summary>
    private async Task<Location> LocateAsync(Guid containerId, CancellationToken ct)
    {
        var hostname = HostnameFor(containerId);
        var unreachable = new List<string>();
        foreach (var node in nodes)
        {
            try
            {
                var match = (await node.Client.GetContainersAsync(node.Name, ct)).FirstOrDefault(c => c.Name == hostname);
                if (match is not null) return new Location((node, match), unreachable);
            }
            catch (Exception e) when (Unavailable(e, ct))
            {
                Log.NodeSkippedInLookup(logger, node.Name, hostname, e.Message);
                unreachable.Add(node.Name);
            }
        }
        return new Location(null, unreachable);
    }

    /// <summary>A node's API failed or did not answer in time (not the caller's cancellation): skip that node.</summary>
    private static bool Unavailable(Exception e, CancellationToken ct) =>
        e is ProxmoxException or HttpRequestException || e is TaskCanceledException && !ct.IsCancellationRequested;

    private sealed record Location((ProxmoxNode Node, ContainerSummary Summary)? Found, IReadOnlyList<string> Unreachable);

    private static (ProxmoxNode, int) Resume((ProxmoxNode Node, ContainerSummary Summary) found, StageLog log)
    {
        log.Write($"found CT {found.Summary.Vmid} on {found.Node.Name} from an earlier attempt: resuming it");
        return (found.Node, found.Summary.Vmid);
    }

    private async Task<(ProxmoxNode, int)> CloneAsync(ContainerPlan plan, StageLog log, CancellationToken ct)
    {
        var node = await PickNodeAsync(ct);
        for (var attempt = 1; ; attempt++)
        {
            var vmid = await node.Client.GetNextVmidAsync(ct);
            var request = new CloneContainerRequest(vmid, HostnameFor(plan.ContainerId))
            {
                Description = $"ZeroLagHub {plan.Kind.ToString().ToLowerInvariant()} container {plan.ContainerId:D}. Managed by the control plane: do not edit.",
                Full = node.Options.FullClone,
                Storage = node.Options.FullClone ? node.Options.Storage : null,
            };
            Upid upid;
            try
            {
                upid = await node.Client.CloneContainerAsync(node.Name, node.Options.TemplateVmid, request, ct);
            }
            catch (ProxmoxException e) when (attempt < VmidClashAttempts && e.Message.Contains("already exists", StringComparison.Ordinal))
            {
                log.Write($"vmid {vmid} was taken by someone else meanwhile; asking for the next one");
                continue;
            }
            await WaitAndLogAsync(node, upid, $"clone template {node.Options.TemplateVmid} → CT {vmid} on {node.Name}", log, ct);
            return (node, vmid);
        }
    }

    private async Task<ProxmoxNode> PickNodeAsync(CancellationToken ct)
    {
        ProxmoxNode? best = null;
        long bestFree = -1;
        foreach (var node in nodes)
        {
            try
            {
                var summary = (await node.Client.GetNodesAsync(ct)).FirstOrDefault(n => n.Node == node.Name && n.IsOnline);
                if (summary is not null && summary.MaxMem - summary.Mem > bestFree) (best, bestFree) = (node, summary.MaxMem - summary.Mem);
            }
            catch (Exception e) when (Unavailable(e, ct))
            {
                Log.NodeUnavailable(logger, node.Name, e.Message);
            }
        }
        return best ?? throw new ProxmoxException($"No configured Proxmox node is online ({string.Join(", ", nodes.Select(n => n.Name))}).");
    }

    private async Task WaitUnlockedAsync(ProxmoxNode node, int vmid, StageLog log, CancellationToken ct)
    {
        // A resumed create may find the clone still copying (lock "create"): config changes would be refused.
        var deadline = time.GetUtcNow() + options.TaskTimeout;
        string? reported = null;
        while ((await node.Client.GetContainerStatusAsync(node.Name, vmid, ct)).Lock is { } held)
        {
            if (reported != held) log.Write($"CT {vmid} is locked ({held}); waiting for Proxmox to finish");
            reported = held;
            if (time.GetUtcNow() >= deadline) throw new ProxmoxException($"CT {vmid} on {node.Name} still locked ({held}) after {options.TaskTimeout}.");
            await Task.Delay(TimeSpan.FromSeconds(2), time, ct);
        }
    }

    private async Task ConfigureAsync(ProxmoxNode node, int vmid, ContainerPlan plan, StageLog log, CancellationToken ct)
    {
        var resources = plan.Resources;
        var config = await node.Client.GetContainerConfigAsync(node.Name, vmid, ct);
        var values = new Dictionary<string, string>
        {
            ["cores"] = resources.Cores.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["memory"] = resources.MemoryMb.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["tags"] = $"zlh;zlh-{plan.Kind.ToString().ToLowerInvariant()}",
            ["onboot"] = "1",
        };
        // Keep the MAC address a resumed attempt already gave the container (DHCP leases follow it).
        var net0 = config.Networks.GetValueOrDefault("net0");
        var hwaddr = net0?.HwAddr is { } mac && config.Hostname == HostnameFor(plan.ContainerId) && net0.Bridge == node.Options.Bridge ? $",hwaddr={mac}" : "";
        values["net0"] = $"name=eth0,bridge={node.Options.Bridge}{hwaddr},ip=dhcp,firewall=1,type=veth";
        var upid = await node.Client.SetContainerConfigAsync(node.Name, vmid, values, ct: ct);
        if (upid is null) log.Write($"config CT {vmid}: cores={resources.Cores} memory={resources.MemoryMb}MB net0 on {node.Options.Bridge} (applied)");
        else await WaitAndLogAsync(node, upid, $"config CT {vmid}", log, ct);

        if (config.RootFs?.SizeGb is { } size && size < resources.DiskGb)
        {
            var resize = await node.Client.ResizeContainerDiskAsync(node.Name, vmid, "rootfs", $"{resources.DiskGb}G", ct);
            if (resize is null) log.Write($"resize CT {vmid} rootfs {size:0.#}G → {resources.DiskGb}G (applied)");
            else await WaitAndLogAsync(node, resize, $"resize CT {vmid} rootfs {size:0.#}G → {resources.DiskGb}G", log, ct);
        }
    }

    private async Task EnsureRunningAsync(ProxmoxNode node, int vmid, StageLog log, CancellationToken ct)
    {
        if ((await node.Client.GetContainerStatusAsync(node.Name, vmid, ct)).IsRunning)
        {
            log.Write($"CT {vmid} on {node.Name} already running");
            return;
        }
        await WaitAndLogAsync(node, await node.Client.StartContainerAsync(node.Name, vmid, ct), $"start CT {vmid}", log, ct);
    }

    private async Task<string> WaitForAddressAsync(ProxmoxNode node, int vmid, StageLog log, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + options.AgentHealthTimeout;
        while (true)
        {
            var eth0 = (await node.Client.GetContainerInterfacesAsync(node.Name, vmid, ct)).FirstOrDefault(i => i.Name == "eth0");
            if (eth0?.Address is { Length: > 0 } address)
            {
                log.Write($"CT {vmid} has address {address}");
                return address;
            }
            if (time.GetUtcNow() >= deadline)
                throw new ProxmoxException($"CT {vmid} on {node.Name} got no IPv4 address on eth0 within {options.AgentHealthTimeout} (is DHCP served on {node.Options.Bridge}?).");
            await Task.Delay(TimeSpan.FromSeconds(1), time, ct);
        }
    }

    private async Task PushEnrollmentAsync(ProxmoxNode node, int vmid, ContainerPlan plan, StageLog log, CancellationToken ct)
    {
        var token = await enrollment.IssueAsync(plan.ContainerId, ct);
        var document = JsonSerializer.SerializeToUtf8Bytes(new
        {
            controlPlane = options.EnrollmentUrl,
            containerId = plan.ContainerId,
            vmid,
            kind = plan.Kind.ToString().ToLowerInvariant(),
            enrollmentToken = token.Value,
            expiresAt = token.ExpiresAt,
        });
        await runner.PushFileAsync(node.Name, vmid, EnrollmentPath, document, ct);
        log.Write($"enrollment token pushed to CT {vmid}:{EnrollmentPath} (single use, expires {token.ExpiresAt:HH:mm:ss} UTC)");
    }

    private async Task WaitForAgentAsync(string address, Guid containerId, StageLog log, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + options.AgentHealthTimeout;
        while (!await AgentAnswersAsync(address, containerId, ct))
        {
            if (time.GetUtcNow() >= deadline)
                throw new ProxmoxException($"The agent of {containerId} did not answer {AgentUri(address)}health within {options.AgentHealthTimeout}: check the first-boot enrollment log in the container (journalctl -u zlh-enroll).");
            await Task.Delay(TimeSpan.FromSeconds(1), time, ct);
        }
        log.Write($"agent healthy on {address}:{options.AgentPort}");
    }

    private async Task<bool> AgentAnswersAsync(string address, Guid containerId, CancellationToken ct)
    {
        try
        {
            // With the agent's token: without it the agent says only that it is up, not which container it serves.
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(AgentUri(address), "health"));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", enrollment.AgentTokenFor(containerId));
            using var response = await agentHttp.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode) return false;
            var health = await response.Content.ReadFromJsonAsync<AgentHealth>(ct);
            // Another container's agent on a reused address is not ours.
            return health?.ContainerId == containerId;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task WaitAndLogAsync(ProxmoxNode node, Upid upid, string what, StageLog log, CancellationToken ct)
    {
        log.Write($"{what}: {upid}");
        try
        {
            var status = await node.Client.WaitTaskAsync(upid, TaskOptions, ct);
            foreach (var line in await node.Client.GetTaskLogTailAsync(upid, 5, ct)) log.Write($"  | {line}");
            log.Write($"{what}: {status.ExitStatus}");
        }
        catch (ProxmoxTaskFailedException e)
        {
            foreach (var line in e.LogTail) log.Write($"  | {line}");
            log.Write($"{what}: failed: {e.ExitStatus}");
            throw;
        }
        catch (ProxmoxTaskTimeoutException e)
        {
            foreach (var line in e.LogTail) log.Write($"  | {line}");
            log.Write($"{what}: still running after {options.TaskTimeout}");
            throw;
        }
    }

    private Uri AgentUri(string address) => new($"http://{address}:{options.AgentPort}/");

    private static ProxmoxException NotFound(Guid containerId, IReadOnlyList<string> unreachable) => new(unreachable.Count == 0
        ? $"No Proxmox container {HostnameFor(containerId)} on any configured node."
        : $"No Proxmox container {HostnameFor(containerId)} on the nodes that answered; node {string.Join(", ", unreachable)} did not.");

    private static partial class Log
    {
        [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Container {ContainerId} created as CT {Vmid} on {Node} at {Address}")]
        public static partial void Created(ILogger logger, Guid containerId, int vmid, string node, string address);

        [LoggerMessage(EventId = 9102, Level = LogLevel.Information, Message = "Container {ContainerId} (CT {Vmid} on {Node}) destroyed")]
        public static partial void Deleted(ILogger logger, Guid containerId, int vmid, string node);

        [LoggerMessage(EventId = 9103, Level = LogLevel.Warning, Message = "Proxmox node {Node} skipped for placement: {Error}")]
        public static partial void NodeUnavailable(ILogger logger, string node, string error);

        [LoggerMessage(EventId = 9104, Level = LogLevel.Warning, Message = "Proxmox node {Node} skipped looking up {Hostname}: {Error}")]
        public static partial void NodeSkippedInLookup(ILogger logger, string node, string hostname, string error);
    }
}
