using System.Net;
using System.Net.Sockets;

namespace ZeroLagHub.Api.Auth.Throttling;

/// <summary>What throttles count a client by: its IPv4 address, or its IPv6 /64 (one host usually holds a whole /64).</summary>
public static class ClientAddress
{
    public static string Key(IPAddress? client)
    {
        if (client is null) return "unknown";
        if (client.IsIPv4MappedToIPv6) client = client.MapToIPv4();
        if (client.AddressFamily != AddressFamily.InterNetworkV6) return client.ToString();
        var bytes = client.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
