using System.Net;

namespace ZeroLagHub.Forwarding;

/// <summary>The one outgoing client a forwarder uses: pooled connections, and nothing that changes what passes through.</summary>
public static class ForwarderClient
{
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
    }, disposeHandler: true);
}
