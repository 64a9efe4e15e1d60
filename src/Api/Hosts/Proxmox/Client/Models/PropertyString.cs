namespace ZeroLagHub.Api.Hosts.Proxmox.Client.Models;

/// <summary>
/// Proxmox's <c>key=value,key=value</c> option strings, where the first item may be positional
/// (<c>local-lvm:vm-105-disk-0,size=8G</c>: the volume).
/// </summary>
public static class PropertyString
{
    public static IReadOnlyDictionary<string, string> Parse(string text, string positionalKey)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = item.IndexOf('=');
            if (equals < 0) result[positionalKey] = item;
            else result[item[..equals]] = item[(equals + 1)..];
        }
        return result;
    }
}
