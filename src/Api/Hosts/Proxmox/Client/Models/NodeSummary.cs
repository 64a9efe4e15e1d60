namespace ZeroLagHub.Api.Hosts.Proxmox.Client.Models;

/// <summary>One entry of <c>GET /nodes</c>. <see cref="Cpu"/> is a 0..1 fraction; memory in bytes.</summary>
public sealed record NodeSummary(string Node, string? Status, double Cpu, int MaxCpu, long Mem, long MaxMem, long Uptime)
{
    public bool IsOnline => string.Equals(Status, "online", StringComparison.OrdinalIgnoreCase);
}
