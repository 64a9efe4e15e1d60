namespace ZeroLagHub.Api.Hosts.Proxmox.Privileged;

/// <summary>
/// What the Proxmox API cannot do and needs root on the node: writing a file into a container
/// (<c>pct push</c>). Kept apart from the API client on purpose: the API token stays unprivileged in
/// the Unix sense, and each runner call is one fixed verb that the node-side script validates
/// (see docs/proxmox.md, "Privileged runner"). Golden template creation (<c>keyctl</c>) and host bind
/// mounts are operator steps on the same runner script, not reachable from the control plane.
/// </summary>
public interface IPrivilegedRunner
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> inside CT <paramref name="vmid"/> on <paramref name="node"/>, owned by root, mode 0600.</summary>
    Task PushFileAsync(string node, int vmid, string path, ReadOnlyMemory<byte> content, CancellationToken ct);
}
