namespace ZeroLagHub.Api.Hosts.Proxmox.Client.Models;

/// <summary><c>GET /nodes/{node}/storage/{storage}/content</c>: e.g. <c>local:vztmpl/debian-12-standard.tar.zst</c>.</summary>
public sealed record StorageContentItem(string VolId, string? Content, string? Format, long Size, long? Vmid);
