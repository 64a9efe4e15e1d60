namespace ZeroLagHub.Api.Hosts.Proxmox.Client;

/// <summary>A task stopped with an exit status other than <c>OK</c> or <c>WARNINGS: N</c>.</summary>
public sealed class ProxmoxTaskFailedException(Upid upid, string exitStatus, IReadOnlyList<string> logTail)
    : ProxmoxException(
        $"Proxmox task {upid.Type} on {upid.Node} failed: {exitStatus}" +
        (logTail.Count > 0 ? $"{Environment.NewLine}{string.Join(Environment.NewLine, logTail)}" : ""))
{
    public Upid Upid { get; } = upid;
    public string ExitStatus { get; } = exitStatus;
    public IReadOnlyList<string> LogTail { get; } = logTail;
}
