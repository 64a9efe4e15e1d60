using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// The API as a local agent reaches it (for artifacts): the first http address Kestrel actually bound. Until
/// the server has started, its addresses are the configured ones (<c>http://127.0.0.1:0</c> with a port of 0),
/// so reading them is deferred to <see cref="IHostApplicationLifetime.ApplicationStarted"/>: work that runs
/// earlier (a deployment resumed from the queue) waits for it instead of handing agents a port of 0.
/// </summary>
public sealed class ApiLoopbackAddress(IServer server, IHostApplicationLifetime lifetime)
{
    /// <summary>The address, once the server listens.</summary>
    public async Task<Uri> GetAsync(CancellationToken ct)
    {
        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await using (ct.Register(() => started.TrySetCanceled(ct)))
                await started.Task;
        }
        return Get();
    }

    /// <summary>The address now: only correct once the server has started (see <see cref="GetAsync"/>).</summary>
    public Uri Get()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("the local host needs the API on plain http (local agents fetch artifacts from it)");
        var uri = new Uri(address.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1")
            .Replace("://[::]", "://127.0.0.1"));
        if (uri.Port == 0) throw new InvalidOperationException($"the API's address {address} has no port yet: read it once the server has started");
        return new Uri($"http://{(uri.IsLoopback ? uri.Authority : $"127.0.0.1:{uri.Port}")}/");
    }
}
