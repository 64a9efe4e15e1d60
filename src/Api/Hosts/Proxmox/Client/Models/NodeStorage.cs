namespace ZeroLagHub.Api.Hosts.Proxmox.Client.Models;

/// <summary><c>GET /nodes/{node}/storage</c>: a storage as one node sees it. Flags are 0/1; sizes in bytes.</summary>
public sealed record NodeStorage(string Storage, string Type, string? Content, int Active, int Enabled, int Shared, long Total, long Used, long Avail);
