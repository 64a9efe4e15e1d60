namespace ZeroLagHub.Api.Hosts.Proxmox.Client;

/// <summary>
/// <c>POST /nodes/{node}/lxc</c>: a container from a template archive (<c>local:vztmpl/…</c>), or with
/// <see cref="Restore"/> from a backup archive (<c>local:backup/vzdump-lxc-…</c>).
/// </summary>
public sealed record CreateContainerRequest(int Vmid, string OsTemplate, string Hostname)
{
    public bool Restore { get; init; }
    public string? Storage { get; init; }
    public string? Description { get; init; }
    public bool Unprivileged { get; init; } = true;

    /// <summary>Further options passed as they are (<c>cores</c>, <c>memory</c>, <c>net0</c>, <c>features</c>…).</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
}
