using System.Net;
using System.Net.Sockets;

namespace ZeroLagHub.Api.Tests.Status;

/// <summary>The API configured with a Redis that is not there: a loopback port nothing listens on.</summary>
public sealed class UnreachableRedisApi : ApiFixture
{
    public UnreachableRedisApi() => Settings["Redis"] = $"127.0.0.1:{ClosedPort()},connectTimeout=200,timeout=200";

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
