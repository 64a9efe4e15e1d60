using System.Net;

namespace ZeroLagHub.Api.Hosts.Proxmox.Client;

/// <summary>
/// A 403. Proxmox says <c>Permission check failed (/vms/105, VM.Allocate)</c>: when it does,
/// <see cref="AclPath"/> and <see cref="Privilege"/> carry what to grant to the token.
/// </summary>
public sealed class ProxmoxPermissionException(string message, string? aclPath, string? privilege)
    : ProxmoxException(message, HttpStatusCode.Forbidden)
{
    public string? AclPath { get; } = aclPath;
    public string? Privilege { get; } = privilege;
}
