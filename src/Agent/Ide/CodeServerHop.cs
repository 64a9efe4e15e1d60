using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;
using ZeroLagHub.Agent.CodeServer;

namespace ZeroLagHub.Agent.Ide;

/// <summary>
/// The agent's hop: one admitted request (HTTP or a WebSocket upgrade) to code-server over its Unix socket,
/// with YARP's <see cref="IHttpForwarder"/>. Writes the whole response, a problem+json 502/504 naming
/// code-server when it fails before answering.
/// </summary>
public sealed class CodeServerHop : IDisposable
{
    // Never resolved: every connection goes to the socket (ConnectCallback). One pool, for the one socket.
    private const string Destination = "http://code-server.invalid";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(100), WebSocketIdleTimeout = TimeSpan.FromHours(1);

    private readonly IHttpForwarder _forwarder;
    private readonly CodeServerLocator _locator;
    private readonly HttpMessageInvoker _client;

    public CodeServerHop(IHttpForwarder forwarder, CodeServerLocator locator)
    {
        (_forwarder, _locator) = (forwarder, locator);
        // HttpMessageInvoker, not HttpClient (which YARP refuses: it buffers); nothing that changes what passes through.
        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ActivityHeadersPropagator = null,
            ConnectCallback = DialAsync,
        }, disposeHandler: true);
    }

    /// <param name="rest">The path code-server sees (the query is kept).</param>
    public async Task ForwardAsync(HttpContext context, PathString rest, PathString strippedPrefix)
    {
        var webSocket = context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true };
        var config = new ForwarderRequestConfig
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            ActivityTimeout = webSocket ? WebSocketIdleTimeout : Timeout,
        };
        var error = await _forwarder.SendAsync(context, Destination, _client, config, new Transformer(rest, strippedPrefix));
        if (error == ForwarderError.None || context.Response.HasStarted || context.RequestAborted.IsCancellationRequested) return;

        // YARP set a bare status; say what failed.
        var name = $"code-server (unix:{_locator.HopSocketPath})";
        var (status, title, detail) = error == ForwarderError.RequestTimedOut
            ? (StatusCodes.Status504GatewayTimeout, "Gateway Timeout", $"{name} did not answer within {Timeout.TotalSeconds:0} s; try again")
            : (StatusCodes.Status502BadGateway, "Bad Gateway", $"{name} is unreachable or refused the connection ({error}); check that it is running");
        context.Response.Clear();
        await TypedResults.Problem(statusCode: status, title: title, detail: detail,
            extensions: new Dictionary<string, object?> { ["error"] = error.ToString() }).ExecuteAsync(context);
    }

    /// <summary>
    /// Every connection goes to the agent's own link to code-server's socket (<see cref="CodeServerHandOff"/>: never
    /// code-server's path, which the container's code could take over), without checking that code-server runs
    /// (<see cref="CodeServerSupervisor.Current"/> scans /proc: too slow for each of a page's hundreds of
    /// requests). Nothing listening there is a 502 naming code-server.
    /// </summary>
    private async ValueTask<Stream> DialAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(_locator.HopSocketPath), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// Only the API reaches <c>/ide</c> (it holds the agent token), and it set <c>X-Forwarded-*</c> for the browser:
    /// those are trusted and extended, the public <c>Host</c> kept (code-server compares a WebSocket's Origin with it),
    /// and the agent token removed.
    /// </summary>
    private sealed class Transformer(PathString rest, PathString strippedPrefix) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext context, HttpRequestMessage proxyRequest, string destinationPrefix,
            CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(context, proxyRequest, destinationPrefix, cancellationToken);
            var request = context.Request;
            var headers = proxyRequest.Headers;
            RemoveNamedByConnection(request.Headers.Connection, headers);

            var forwardedFor = request.Headers["X-Forwarded-For"].ToString();
            if (context.Connection.RemoteIpAddress is { } remote) forwardedFor = forwardedFor.Length > 0 ? $"{forwardedFor}, {remote}" : remote.ToString();
            Replace(headers, "X-Forwarded-For", forwardedFor);
            Replace(headers, "X-Forwarded-Proto", FirstOr(request.Headers["X-Forwarded-Proto"], request.Scheme));
            Replace(headers, "X-Forwarded-Host", FirstOr(request.Headers["X-Forwarded-Host"], request.Host.Value ?? ""));
            Replace(headers, "X-Forwarded-Prefix", request.Headers["X-Forwarded-Prefix"].ToString().TrimEnd('/') + strippedPrefix.ToUriComponent());
            headers.Host = request.Host.Value;
            headers.Authorization = null;
            proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, rest, request.QueryString);
        }

        public override async ValueTask<bool> TransformResponseAsync(HttpContext context, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
        {
            // Our error pages must not replace code-server's empty 404s.
            if (context.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
            return await base.TransformResponseAsync(context, proxyResponse, cancellationToken);
        }

        private static void Replace(HttpRequestHeaders headers, string name, string value)
        {
            headers.Remove(name);
            if (value.Length > 0) headers.TryAddWithoutValidation(name, value);
        }

        private static string FirstOr(Microsoft.Extensions.Primitives.StringValues values, string fallback) =>
            values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0]! : fallback;

        /// <summary>RFC 9110 §7.6.1: fields a <c>Connection</c> header names are for one hop (YARP drops only the standard ones).</summary>
        private static void RemoveNamedByConnection(Microsoft.Extensions.Primitives.StringValues connection, HttpRequestHeaders headers)
        {
            foreach (var value in connection)
                foreach (var name in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    headers.Remove(name);
        }
    }
}
