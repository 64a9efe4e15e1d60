namespace ZeroLagHub.Api.Hosts.Proxmox.Client;

/// <summary><c>POST /nodes/{node}/lxc/{vmid}/clone</c>. A linked clone (<see cref="Full"/> false) needs a template on storage that supports it.</summary>
public sealed record CloneContainerRequest(int NewId, string Hostname)
{
    public string? Description { get; init; }
    public bool Full { get; init; } = true;
    public string? Storage { get; init; }
    public string? Pool { get; init; }
}
