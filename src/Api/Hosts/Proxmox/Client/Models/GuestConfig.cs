using System.Text.Json;

namespace ZeroLagHub.Api.Hosts.Proxmox.Client.Models;

/// <summary>
/// <c>GET /nodes/{node}/lxc/{vmid}/config</c>. Network devices (<c>net0…</c>) and mount points
/// (<c>mp0…</c>, and <c>rootfs</c>) are Proxmox property strings, parsed here; every key stays in <see cref="Raw"/>.
/// </summary>
public sealed record GuestConfig(
    string? Hostname,
    int? Cores,
    int? Memory,
    int? Swap,
    string? Description,
    string? Tags,
    string? Lock,
    MountPoint? RootFs,
    IReadOnlyDictionary<string, NetworkDevice> Networks,
    IReadOnlyDictionary<string, MountPoint> MountPoints,
    IReadOnlyDictionary<string, string> Raw)
{
    public static GuestConfig FromJson(JsonElement data)
    {
        var raw = new Dictionary<string, string>(StringComparer.Ordinal);
        if (data.ValueKind == JsonValueKind.Object)
            foreach (var property in data.EnumerateObject())
                raw[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();

        var networks = raw.Where(p => IsIndexed(p.Key, "net"))
            .ToDictionary(p => p.Key, p => NetworkDevice.Parse(p.Value));
        var mounts = raw.Where(p => IsIndexed(p.Key, "mp"))
            .ToDictionary(p => p.Key, p => MountPoint.Parse(p.Value));
        return new GuestConfig(
            raw.GetValueOrDefault("hostname"), Int(raw, "cores"), Int(raw, "memory"), Int(raw, "swap"),
            raw.GetValueOrDefault("description"), raw.GetValueOrDefault("tags"), raw.GetValueOrDefault("lock"),
            raw.TryGetValue("rootfs", out var rootfs) ? MountPoint.Parse(rootfs) : null,
            networks, mounts, raw);
    }

    private static bool IsIndexed(string key, string prefix) =>
        key.Length > prefix.Length && key.StartsWith(prefix, StringComparison.Ordinal) && key[prefix.Length..].All(char.IsAsciiDigit);

    private static int? Int(Dictionary<string, string> raw, string key) =>
        raw.TryGetValue(key, out var text) && int.TryParse(text, out var value) ? value : null;
}
