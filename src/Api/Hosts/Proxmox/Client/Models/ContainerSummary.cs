namespace ZeroLagHub.Api.Hosts.Proxmox.Client.Models;

/// <summary>
/// One entry of <c>GET /nodes/{node}/lxc</c>. <see cref="Name"/> is the hostname; <see cref="Tags"/>
/// is Proxmox's <c>;</c>-separated list; <see cref="Lock"/> is set while a clone, backup or similar runs.
/// </summary>
public sealed record ContainerSummary(int Vmid, string? Name, string? Status, string? Tags, string? Lock, long MaxMem, long MaxDisk, long Uptime)
{
    public IReadOnlyList<string> TagList =>
        Tags is null ? [] : Tags.Split([';', ',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
