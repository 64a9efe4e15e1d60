using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// The API as a local agent reaches it (for artifacts): the first http address Kestrel actually bound,
/// read once the server has started, because a port of 0 is only known then.
/// </summary>
public sealed class ApiLoopbackAddress(IServer server)
{
    public Uri Get()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("the local host needs the API on plain http (local agents fetch artifacts from it)");
        var uri = new Uri(address.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1")
            .Replace("://[::]", "://127.0.0.1"));
        return new Uri($"http://{(uri.IsLoopback ? uri.Authority : $"127.0.0.1:{uri.Port}")}/");
    }
}
