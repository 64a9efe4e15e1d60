namespace ZeroLagHub.Api.Hosts.Proxmox.Client;

/// <summary>A task was still running when the wait's timeout passed. The task itself goes on in Proxmox.</summary>
public sealed class ProxmoxTaskTimeoutException(Upid upid, TimeSpan timeout, IReadOnlyList<string> logTail)
    : ProxmoxException($"Proxmox task {upid.Type} on {upid.Node} still running after {timeout}: {upid}")
{
    public Upid Upid { get; } = upid;
    public IReadOnlyList<string> LogTail { get; } = logTail;
}
