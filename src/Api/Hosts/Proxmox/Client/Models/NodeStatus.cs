namespace ZeroLagHub.Api.Hosts.Proxmox.Client.Models;

/// <summary>
/// <c>GET /nodes/{node}/status</c>. <see cref="Cpu"/> is a 0..1 fraction; <see cref="LoadAvg"/> is
/// what Proxmox sends, an array of strings (<c>["0.12","0.08","0.01"]</c>).
/// </summary>
public sealed record NodeStatus(
    double Cpu,
    IReadOnlyList<string>? LoadAvg,
    MemoryUsage? Memory,
    MemoryUsage? Swap,
    DiskUsage? RootFs,
    long Uptime,
    string? PveVersion,
    string? KVersion);

/// <summary>Bytes.</summary>
public sealed record MemoryUsage(long Total, long Used, long Free);

/// <summary>Bytes.</summary>
public sealed record DiskUsage(long Total, long Used, long Free, long Avail);
