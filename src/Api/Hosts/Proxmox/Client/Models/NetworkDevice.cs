namespace ZeroLagHub.Api.Hosts.Proxmox.Client.Models;

/// <summary>A <c>netN</c> entry: <c>name=eth0,bridge=vmbr0,hwaddr=…,ip=dhcp,type=veth</c>.</summary>
public sealed record NetworkDevice(string? Name, string? Bridge, string? Ip, string? HwAddr, IReadOnlyDictionary<string, string> Options)
{
    public static NetworkDevice Parse(string text)
    {
        var options = PropertyString.Parse(text, "name");
        return new NetworkDevice(options.GetValueOrDefault("name"), options.GetValueOrDefault("bridge"),
            options.GetValueOrDefault("ip"), options.GetValueOrDefault("hwaddr"), options);
    }
}
