using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace ZeroLagHub.Forwarding;

/// <summary>The one outgoing client a forwarder uses: pooled connections, and nothing that changes what passes through.</summary>
public static class ForwarderClient
{
    /// <summary>Set on a request (by <see cref="HttpForwarder"/>) whose connection goes to a Unix domain socket.</summary>
    internal static readonly HttpRequestOptionsKey<string> UnixSocketOption = new("ZeroLagHub.Forwarding.UnixSocket");

    /// <summary>
    /// <c>HttpMessageInvoker</c> rather than <c>HttpClient</c>: no default headers, timeout or buffering.
    /// No proxy (the next hop is on a private network or loopback), no redirects followed (the browser
    /// must see them), no cookie jar (cookies belong to the browser), no decompression (bodies pass as sent).
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
        ActivityHeadersPropagator = null,   // no traceparent injected into someone else's request
        ConnectCallback = ConnectAsync,
    }, disposeHandler: true);

    /// <summary>
    /// The URL authority of a Unix socket destination: one per socket path, because connections are pooled by
    /// authority (two sockets must never share a pooled connection, nor a socket and a TCP port), and under
    /// <c>.invalid</c> (RFC 6761), so a client without <see cref="ConnectAsync"/> fails to resolve it instead of
    /// reaching some TCP port. The next hop never sees it: the request's <c>Host</c> is the public host.
    /// </summary>
    internal static string UnixSocketAuthority(string socketPath) =>
        $"unix-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(socketPath)).AsSpan(0, 16))}.invalid";

    /// <summary>
    /// A new connection: to the request's Unix socket when it names one, else over TCP exactly as
    /// <c>SocketsHttpHandler</c> connects without a callback (dual-mode socket, no Nagle). Timeouts: the handler's
    /// <c>ConnectTimeout</c> cancels <paramref name="ct"/>.
    /// </summary>
    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var unix = context.InitialRequestMessage.Options.TryGetValue(UnixSocketOption, out var path) ? path : null;
        var socket = unix is null
            ? new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
            : new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            if (unix is null) await socket.ConnectAsync(context.DnsEndPoint, ct);
            else await socket.ConnectAsync(new UnixDomainSocketEndPoint(unix), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
