namespace ZeroLagHub.Api.Hosts.Proxmox.Client.Models;

/// <summary><c>GET /storage</c> (cluster-wide definitions). <see cref="Content"/> is comma-separated (<c>vztmpl,backup,rootdir</c>).</summary>
public sealed record StorageSummary(string Storage, string Type, string? Content, int Shared);
