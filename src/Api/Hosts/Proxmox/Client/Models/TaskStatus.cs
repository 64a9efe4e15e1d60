namespace ZeroLagHub.Api.Hosts.Proxmox.Client.Models;

/// <summary>
/// <c>GET /nodes/{node}/tasks/{upid}/status</c>: <see cref="Status"/> is <c>running</c> or
/// <c>stopped</c>; <see cref="ExitStatus"/> exists only once stopped.
/// </summary>
public sealed record ProxmoxTaskStatus(string Status, string? ExitStatus, string? Type, string? Node)
{
    public bool IsStopped => Status == "stopped";

    /// <summary><c>OK</c>, or <c>WARNINGS: N</c> (the task finished but logged warnings).</summary>
    public bool Succeeded => IsStopped && (ExitStatus == "OK" || (ExitStatus?.StartsWith("WARNINGS:", StringComparison.Ordinal) ?? false));
}
