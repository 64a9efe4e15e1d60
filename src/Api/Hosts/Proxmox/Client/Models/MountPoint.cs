namespace ZeroLagHub.Api.Hosts.Proxmox.Client.Models;

/// <summary>A <c>rootfs</c> or <c>mpN</c> entry: <c>local-lvm:vm-105-disk-1,mp=/data,size=8G</c>.</summary>
public sealed record MountPoint(string? Volume, string? Path, string? Size, IReadOnlyDictionary<string, string> Options)
{
    public static MountPoint Parse(string text)
    {
        var options = PropertyString.Parse(text, "volume");
        return new MountPoint(options.GetValueOrDefault("volume"), options.GetValueOrDefault("mp"), options.GetValueOrDefault("size"), options);
    }

    /// <summary><see cref="Size"/> in GiB (Proxmox writes <c>8G</c>, <c>512M</c>, <c>1T</c>); null when absent.</summary>
    public double? SizeGb => Size is null ? null : Size[^1] switch
    {
        'T' => double.Parse(Size[..^1], System.Globalization.CultureInfo.InvariantCulture) * 1024,
        'G' => double.Parse(Size[..^1], System.Globalization.CultureInfo.InvariantCulture),
        'M' => double.Parse(Size[..^1], System.Globalization.CultureInfo.InvariantCulture) / 1024,
        'K' => double.Parse(Size[..^1], System.Globalization.CultureInfo.InvariantCulture) / (1024 * 1024),
        _ => double.Parse(Size, System.Globalization.CultureInfo.InvariantCulture) / (1024d * 1024 * 1024),
    };
}
