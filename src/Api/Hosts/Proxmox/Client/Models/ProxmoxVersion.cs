namespace ZeroLagHub.Api.Hosts.Proxmox.Client.Models;

/// <summary><c>GET /version</c>.</summary>
public sealed record ProxmoxVersion(string Version, string? Release, string? RepoId);
