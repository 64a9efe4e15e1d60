using System.Net;
using System.Net.Sockets;

namespace ZeroLagHub.Api.Ide.Hop;

/// <summary>
/// The one outgoing client of the API's hop to agents (the IDE's HTTP and WebSockets, the console's socket):
/// pooled connections, and nothing that changes what passes through.
/// </summary>
/// <remarks>
/// NOTE: every connection is made by <see cref="DialAsync"/>, so how an agent is reached (today a TCP port,
/// <see cref="Hosts.AgentEndpoint.BaseAddress"/>) changes there alone. Connections are pooled by the request
/// URI's authority: each agent's must be its own (a port today), or two agents would share connections.
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
        ConnectCallback = DialAsync,
    }, disposeHandler: true);

    /// <summary>
    /// A new connection to the agent the request is for: today its TCP port, dialled as <c>SocketsHttpHandler</c>
    /// does without a callback (dual-mode socket, no Nagle: small WebSocket frames are not held back).
    /// The handler's <c>ConnectTimeout</c> cancels <paramref name="ct"/>.
    /// </summary>
    private static async ValueTask<Stream> DialAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
