using ZeroLagHub.Api.Hosts.Proxmox.Client;

namespace ZeroLagHub.Api.Hosts.Proxmox;

/// <summary>A configured node and the client that talks to its API.</summary>
public sealed record ProxmoxNode(ProxmoxNodeOptions Options, ProxmoxClient Client)
{
    public string Name => Options.Name;
}
