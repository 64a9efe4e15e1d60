using System.Net;
using ZeroLagHub.Api.Hosts;

namespace ZeroLagHub.Api.Ide.Hop;

/// <summary>
/// The one outgoing client of the API's hop to agents (the IDE's HTTP and WebSockets, the console's socket):
/// pooled connections, and nothing that changes what passes through.
/// </summary>
/// <remarks>
/// NOTE: every connection is made by <see cref="AgentConnection.ConnectAsync"/> (a local agent's Unix socket, a
/// Proxmox agent's TCP address), the one place agents are dialled. Connections are pooled by the request URI's
/// authority: each agent's is its own (<see cref="AgentConnection.UnixSocketAuthority"/>), so two agents never share one.
/// </remarks>
public sealed class AgentHopClient : IDisposable
{
    /// <summary>The pooled client every request to an agent goes through; one per process (pooling is what makes a hop cheap).</summary>
    public HttpMessageInvoker Invoker { get; } = Create();

    public void Dispose() => Invoker.Dispose();

    /// <summary>
    /// <c>HttpMessageInvoker</c> rather than <c>HttpClient</c> (YARP refuses the latter: it buffers): no proxy
    /// (agents are on loopback or a private network), no redirects followed (the browser must see them), no
    /// cookie jar (cookies belong to the browser), no decompression (bodies pass as sent), no trace headers
    /// injected into someone else's request.
    /// </summary>
    public static HttpMessageInvoker Create(TimeSpan? connectTimeout = null) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(10),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        MaxConnectionsPerServer = int.MaxValue,
        EnableMultipleHttp2Connections = true,
        ActivityHeadersPropagator = null,
        ConnectCallback = AgentConnection.ConnectAsync,
    }, disposeHandler: true);
}
