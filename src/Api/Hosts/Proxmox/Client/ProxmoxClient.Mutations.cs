using System.Globalization;
using System.Text.Json;

namespace ZeroLagHub.Api.Hosts.Proxmox.Client;

public sealed partial class ProxmoxClient
{
    public Task<Upid> CreateContainerAsync(string node, CreateContainerRequest request, CancellationToken ct = default)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("vmid", Int(request.Vmid)),
            new("ostemplate", request.OsTemplate),
            new("hostname", request.Hostname),
            new("unprivileged", Flag(request.Unprivileged)),
        };
        if (request.Restore) form.Add(new("restore", "1"));
        if (request.Storage is not null) form.Add(new("storage", request.Storage));
        if (request.Description is not null) form.Add(new("description", request.Description));
        form.AddRange(request.Options);
        return MutateAsync(HttpMethod.Post, $"nodes/{Escape(node)}/lxc", form, ct);
    }

    public Task<Upid> CloneContainerAsync(string node, int vmid, CloneContainerRequest request, CancellationToken ct = default)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("newid", Int(request.NewId)),
            new("hostname", request.Hostname),
            new("full", Flag(request.Full)),
        };
        if (request.Description is not null) form.Add(new("description", request.Description));
        if (request.Storage is not null) form.Add(new("storage", request.Storage));
        if (request.Pool is not null) form.Add(new("pool", request.Pool));
        return MutateAsync(HttpMethod.Post, $"nodes/{Escape(node)}/lxc/{vmid}/clone", form, ct);
    }

    public Task<Upid> StartContainerAsync(string node, int vmid, CancellationToken ct = default) =>
        MutateAsync(HttpMethod.Post, $"nodes/{Escape(node)}/lxc/{vmid}/status/start", [], ct);

    /// <summary>Hard stop (like pulling the plug).</summary>
    public Task<Upid> StopContainerAsync(string node, int vmid, CancellationToken ct = default) =>
        MutateAsync(HttpMethod.Post, $"nodes/{Escape(node)}/lxc/{vmid}/status/stop", [], ct);

    /// <summary>Clean shutdown; after <paramref name="timeout"/> the task fails, or, with <paramref name="forceStop"/>, stops the container hard.</summary>
    public Task<Upid> ShutdownContainerAsync(string node, int vmid, TimeSpan timeout, bool forceStop, CancellationToken ct = default) =>
        MutateAsync(HttpMethod.Post, $"nodes/{Escape(node)}/lxc/{vmid}/status/shutdown",
            [new("timeout", Int((int)timeout.TotalSeconds)), new("forceStop", Flag(forceStop))], ct);

    public Task<Upid> SnapshotAsync(string node, int vmid, string name, string? description = null, CancellationToken ct = default) =>
        MutateAsync(HttpMethod.Post, $"nodes/{Escape(node)}/lxc/{vmid}/snapshot",
            description is null ? [new("snapname", name)] : [new("snapname", name), new("description", description)], ct);

    public Task<Upid> RollbackAsync(string node, int vmid, string name, CancellationToken ct = default) =>
        MutateAsync(HttpMethod.Post, $"nodes/{Escape(node)}/lxc/{vmid}/snapshot/{Escape(name)}/rollback", [], ct);

    public Task<Upid> DeleteSnapshotAsync(string node, int vmid, string name, CancellationToken ct = default) =>
        MutateAsync(HttpMethod.Delete, $"nodes/{Escape(node)}/lxc/{vmid}/snapshot/{Escape(name)}", null, ct);

    /// <summary>
    /// <c>PUT …/config</c>. For LXC Proxmox applies it synchronously and answers null (no task): then
    /// the result is null; a version that runs it as a task returns the UPID.
    /// </summary>
    public async Task<Upid?> SetContainerConfigAsync(
        string node, int vmid, IReadOnlyDictionary<string, string> values, IReadOnlyCollection<string>? delete = null, CancellationToken ct = default)
    {
        var form = values.ToList();
        if (delete is { Count: > 0 }) form.Add(new("delete", string.Join(',', delete)));
        var data = await SendAsync(HttpMethod.Put, $"nodes/{Escape(node)}/lxc/{vmid}/config", form, idempotent: false, ct);
        return OptionalUpid(data);
    }

    /// <summary><c>PUT …/resize</c>: grows a disk (<c>rootfs</c>, <c>mp0</c>…) to <paramref name="size"/> (e.g. <c>16G</c>); disks never shrink.</summary>
    public async Task<Upid?> ResizeContainerDiskAsync(string node, int vmid, string disk, string size, CancellationToken ct = default)
    {
        var data = await SendAsync(HttpMethod.Put, $"nodes/{Escape(node)}/lxc/{vmid}/resize",
            [new("disk", disk), new("size", size)], idempotent: false, ct);
        return OptionalUpid(data);
    }

    /// <param name="purge">Also remove the vmid from backup jobs, replication and HA.</param>
    public Task<Upid> DestroyContainerAsync(string node, int vmid, bool purge = true, CancellationToken ct = default) =>
        MutateAsync(HttpMethod.Delete, $"nodes/{Escape(node)}/lxc/{vmid}" + (purge ? "?purge=1&destroy-unreferenced-disks=1" : ""), null, ct);

    private async Task<Upid> MutateAsync(HttpMethod method, string path, IReadOnlyList<KeyValuePair<string, string>>? form, CancellationToken ct)
    {
        var data = await SendAsync(method, path, form, idempotent: false, ct);
        var upid = OptionalUpid(data)
            ?? throw new ProxmoxException($"Proxmox answered {method.Method} {path} without a task id (UPID).");
        Log.TaskStarted(_log, upid.Value);
        return upid;
    }

    private static Upid? OptionalUpid(JsonElement data) =>
        data.ValueKind == JsonValueKind.String ? Upid.Parse(data.GetString()!) : null;

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
    private static string Flag(bool value) => value ? "1" : "0";
}
