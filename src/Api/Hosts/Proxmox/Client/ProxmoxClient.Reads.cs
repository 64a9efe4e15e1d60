using System.Globalization;
using System.Text.Json;
using ZeroLagHub.Api.Hosts.Proxmox.Client.Models;

namespace ZeroLagHub.Api.Hosts.Proxmox.Client;

public sealed partial class ProxmoxClient
{
    public Task<ProxmoxVersion> GetVersionAsync(CancellationToken ct = default) => GetAsync<ProxmoxVersion>("version", ct);

    public Task<IReadOnlyList<NodeSummary>> GetNodesAsync(CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<NodeSummary>>("nodes", ct);

    public Task<NodeStatus> GetNodeStatusAsync(string node, CancellationToken ct = default) =>
        GetAsync<NodeStatus>($"nodes/{Escape(node)}/status", ct);

    public Task<IReadOnlyList<ContainerSummary>> GetContainersAsync(string node, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<ContainerSummary>>($"nodes/{Escape(node)}/lxc", ct);

    public Task<GuestStatus> GetContainerStatusAsync(string node, int vmid, CancellationToken ct = default) =>
        GetAsync<GuestStatus>($"nodes/{Escape(node)}/lxc/{vmid}/status/current", ct);

    public async Task<GuestConfig> GetContainerConfigAsync(string node, int vmid, CancellationToken ct = default) =>
        GuestConfig.FromJson(await GetAsync($"nodes/{Escape(node)}/lxc/{vmid}/config", ct));

    /// <summary>Only a running container has interfaces to report.</summary>
    public Task<IReadOnlyList<ContainerInterface>> GetContainerInterfacesAsync(string node, int vmid, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<ContainerInterface>>($"nodes/{Escape(node)}/lxc/{vmid}/interfaces", ct);

    public Task<IReadOnlyList<StorageSummary>> GetStoragesAsync(CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<StorageSummary>>("storage", ct);

    public Task<IReadOnlyList<NodeStorage>> GetNodeStoragesAsync(string node, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<NodeStorage>>($"nodes/{Escape(node)}/storage", ct);

    /// <param name="content">e.g. <c>vztmpl</c> or <c>backup</c>; null for everything.</param>
    public Task<IReadOnlyList<StorageContentItem>> GetStorageContentAsync(string node, string storage, string? content = null, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<StorageContentItem>>(
            $"nodes/{Escape(node)}/storage/{Escape(storage)}/content" + (content is null ? "" : $"?content={Escape(content)}"), ct);

    /// <summary>The cluster's next free vmid. Only a hint: another client may take it first, so a create must handle the clash.</summary>
    public async Task<int> GetNextVmidAsync(CancellationToken ct = default)
    {
        var data = await GetAsync("cluster/nextid", ct);
        // Proxmox answers {"data":"105"}: a string.
        return data.ValueKind switch
        {
            JsonValueKind.String => int.Parse(data.GetString()!, CultureInfo.InvariantCulture),
            JsonValueKind.Number => data.GetInt32(),
            _ => throw new ProxmoxException("Proxmox answered GET /cluster/nextid without a vmid."),
        };
    }

    public Task<ProxmoxTaskStatus> GetTaskStatusAsync(Upid upid, CancellationToken ct = default) =>
        GetAsync<ProxmoxTaskStatus>($"nodes/{Escape(upid.Node)}/tasks/{Escape(upid.Value)}/status", ct);

    /// <param name="start">0-based first line.</param>
    public Task<IReadOnlyList<TaskLogLine>> GetTaskLogAsync(Upid upid, int start = 0, int limit = 500, CancellationToken ct = default) =>
        GetAsync<IReadOnlyList<TaskLogLine>>($"nodes/{Escape(upid.Node)}/tasks/{Escape(upid.Value)}/log?start={start}&limit={limit}", ct);
}
