namespace ZeroLagHub.Api.Hosts.Proxmox.Client.Models;

/// <summary><c>GET /nodes/{node}/lxc/{vmid}/interfaces</c> (running containers): <see cref="Inet"/> is CIDR, e.g. <c>10.0.0.5/24</c>.</summary>
public sealed record ContainerInterface(string Name, string? Inet, string? Inet6, string? HwAddr)
{
    /// <summary>The IPv4 address without its prefix length.</summary>
    public string? Address => Inet?.Split('/')[0];
}
