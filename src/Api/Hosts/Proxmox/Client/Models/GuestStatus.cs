namespace ZeroLagHub.Api.Hosts.Proxmox.Client.Models;

/// <summary><c>GET /nodes/{node}/lxc/{vmid}/status/current</c>. Proxmox leaves <c>vmid</c> out of this one.</summary>
public sealed record GuestStatus(string Status, string? Name, string? Lock, double Cpu, int Cpus, long Mem, long MaxMem, long Uptime)
{
    public bool IsRunning => Status == "running";
}
