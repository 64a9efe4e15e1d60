using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace ZeroLagHub.Forwarding;

/// <summary>
/// Forwards one incoming request (HTTP, or a WebSocket upgrade) to the next hop and streams the answer
/// back. Call it from an endpoint after authorising the request; it writes the response, including a
/// problem+json 502/504 when the next hop fails before answering, and returns how the exchange ended.
/// </summary>
/// <remarks>
/// Steps, marked <c>:: Step N</c> in the code:
/// 0. Classify: plain HTTP, HTTP/1.1 WebSocket upgrade, or HTTP/2 WebSocket (extended CONNECT).
/// 1. Build the outgoing request: same method (GET for WebSockets), destination + path + incoming query, HTTP/1.1;
///    a Unix socket destination is marked on the request for <see cref="ForwarderClient"/>'s connect callback.
/// 2. Attach the client's body as a stream when it has one (never buffered).
/// 3. Copy headers without hop-by-hop ones; keep the public Host; set X-Forwarded-*; WebSockets get the
///    HTTP/1.1 handshake headers (a fresh Sec-WebSocket-Key when the client spoke HTTP/2, which has none).
/// 4. The caller's transform: our credentials out, the next hop's in.
/// 5. Send, waiting at most <see cref="ForwardRequest.Timeout"/> for headers: 502 / 504 / 400 as problems.
/// 6. 101 to a WebSocket request: switch the client's connection too and copy bytes both ways until
///    either side ends, then close the other (no frame parsing).
/// 7. Copy status and headers back without hop-by-hop ones.
/// 8. Stream the body back, flushing each read.
/// 9. A failure once the response has started aborts the client's connection: a problem body cannot
///    follow half a response, and a clean end would pass a truncated body off as complete.
/// </remarks>
public sealed class HttpForwarder(HttpMessageInvoker client, ILogger<HttpForwarder> log)
{
    private enum Upgrade { None, Http11, ExtendedConnect }

    /// <summary>
    /// Forwards and writes the whole response. Await it inside the endpoint; do not return its value from a
    /// minimal-API handler, which would try to write the <see cref="ForwarderError"/> as JSON after the response.
    /// </summary>
    public async ValueTask<ForwarderError> SendAsync(HttpContext context, ForwardRequest target)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(target);

        // :: Step 0
        var upgrade = Classify(context);

        // :: Step 1
        // NOTE: HTTP/1.1 to the next hop even for an HTTP/2 client: both hops are loopback or a private
        // network, and WebSockets must be HTTP/1.1 upgrades there (code-server does not speak RFC 8441).
        using var request = new HttpRequestMessage
        {
            Method = upgrade == Upgrade.None ? new HttpMethod(context.Request.Method) : HttpMethod.Get,
            RequestUri = RequestUtilities.DestinationUri(target, context.Request.QueryString),
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (target.UnixSocket is { } socket) request.Options.Set(ForwarderClient.UnixSocketOption, socket);

        // :: Step 2
        StreamingRequestContent? body = null;
        if (upgrade == Upgrade.None && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            // The next hop enforces its own limit; ours (30 MB by default) would cut large uploads short.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
            request.Content = body = new StreamingRequestContent(context.Request.Body, context.RequestAborted);
        }

        // :: Step 3
        RequestUtilities.CopyRequestHeaders(context, request);
        RequestUtilities.SetForwardedHeaders(context, request, target);
        if (upgrade != Upgrade.None) AddHandshakeHeaders(context, request, upgrade);

        // :: Step 4
        target.Transform?.Invoke(context, request);

        // :: Step 5
        HttpResponseMessage response;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted))
        {
            deadline.CancelAfter(target.Timeout);
            try
            {
                response = await client.SendAsync(request, deadline.Token);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var error = context.RequestAborted.IsCancellationRequested ? ForwarderError.RequestCanceled
                    : body?.Completion is { IsCompleted: true } done && done.Result.Result == StreamCopyResult.InputError ? ForwarderError.RequestBodyClient
                    : body?.Completion is { IsCompleted: true } sent && sent.Result.Result == StreamCopyResult.OutputError ? ForwarderError.RequestBodyDestination
                    : deadline.IsCancellationRequested ? ForwarderError.RequestTimedOut
                    : ForwarderError.Request;
                return await FailAsync(context, target, error, e);
            }
        }

        using (response)
        {
            // :: Step 6
            if (upgrade != Upgrade.None && response.StatusCode == HttpStatusCode.SwitchingProtocols)
                return await TunnelAsync(context, target, upgrade, response);

            // :: Step 7
            // Our error pages must not replace the next hop's empty 404s.
            if (context.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
            RequestUtilities.CopyResponseHeaders(response, context.Response, dropWebSocketAccept: false);
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

            // :: Step 8
            var source = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            var (result, copyError) = await StreamCopier.CopyAsync(source, context.Response.Body, context.RequestAborted);

            // :: Step 9
            if (result != StreamCopyResult.Success)
            {
                var error = result == StreamCopyResult.InputError ? ForwarderError.ResponseBodyDestination : ForwarderError.ResponseBodyClient;
                return await FailAsync(context, target, error, copyError);
            }
            if (body is { Started: true } && await body.Completion is { Result: not StreamCopyResult.Success } unsent)
                return await FailAsync(context, target,
                    unsent.Result == StreamCopyResult.OutputError ? ForwarderError.RequestBodyDestination : ForwarderError.RequestBodyClient, unsent.Error);
            return ForwarderError.None;
        }
    }

    private static Upgrade Classify(HttpContext context)
    {
        if (context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect)
            return string.Equals(connect.Protocol, "websocket", StringComparison.OrdinalIgnoreCase) ? Upgrade.ExtendedConnect : Upgrade.None;
        return context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
            && HttpMethods.IsGet(context.Request.Method)
            && context.Request.Headers.Upgrade.Any(v => string.Equals(v, "websocket", StringComparison.OrdinalIgnoreCase))
            ? Upgrade.Http11 : Upgrade.None;
    }

    private static void AddHandshakeHeaders(HttpContext context, HttpRequestMessage request, Upgrade upgrade)
    {
        request.Headers.TryAddWithoutValidation(HeaderNames.Connection, "Upgrade");
        request.Headers.TryAddWithoutValidation(HeaderNames.Upgrade, "websocket");
        // RFC 8441 drops Sec-WebSocket-Key (the stream itself proves the server understood); HTTP/1.1 needs one.
        // The next hop's Sec-WebSocket-Accept answers it and is not passed back (see CopyResponseHeaders).
        if (upgrade == Upgrade.ExtendedConnect && !context.Request.Headers.ContainsKey(HeaderNames.SecWebSocketKey))
            request.Headers.TryAddWithoutValidation(HeaderNames.SecWebSocketKey, Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
    }

    private async Task<ForwarderError> TunnelAsync(HttpContext context, ForwardRequest target, Upgrade upgrade, HttpResponseMessage response)
    {
        Stream clientStream;
        if (upgrade == Upgrade.Http11)
        {
            RequestUtilities.CopyResponseHeaders(response, context.Response, dropWebSocketAccept: false);
            context.Response.Headers.Upgrade = "websocket";
            clientStream = await context.Features.GetRequiredFeature<IHttpUpgradeFeature>().UpgradeAsync();
        }
        else
        {
            RequestUtilities.CopyResponseHeaders(response, context.Response, dropWebSocketAccept: true);
            context.Response.StatusCode = StatusCodes.Status200OK;
            clientStream = await context.Features.GetRequiredFeature<IHttpExtendedConnectFeature>().AcceptAsync();
        }
        // A 101 response's content is the raw connection, readable and writable.
        var destinationStream = await response.Content.ReadAsStreamAsync(context.RequestAborted);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var up = StreamCopier.CopyAsync(clientStream, destinationStream, stop.Token).AsTask();
        var down = StreamCopier.CopyAsync(destinationStream, clientStream, stop.Token).AsTask();
        var first = await Task.WhenAny(up, down);

        // Either side ending ends both: the other copy is cancelled, the next hop's connection is closed, and
        // returning completes the client's (Kestrel closes an upgraded HTTP/1.1 connection, ends an HTTP/2 stream).
        await stop.CancelAsync();
        await destinationStream.DisposeAsync();
        await Task.WhenAll(up, down);
        var (result, _) = await first;
        var error = result switch
        {
            StreamCopyResult.Success or StreamCopyResult.Canceled => ForwarderError.None,
            StreamCopyResult.InputError => first == up ? ForwarderError.UpgradeClient : ForwarderError.UpgradeDestination,
            _ => first == up ? ForwarderError.UpgradeDestination : ForwarderError.UpgradeClient,
        };
        log.TunnelClosed(target.DestinationName, context.Request.Path.Value ?? "", error);
        return error;
    }

    private async Task<ForwarderError> FailAsync(HttpContext context, ForwardRequest target, ForwarderError error, Exception? exception)
    {
        var path = context.Request.Path.Value ?? "";
        if (error is ForwarderError.RequestCanceled or ForwarderError.ResponseBodyClient or ForwarderError.RequestBodyClient)
            log.ClientGone(error, context.Request.Method, path, exception);
        else
            log.Failed(target.DestinationName, error, context.Request.Method, path, exception);

        if (error == ForwarderError.RequestCanceled) return error;
        if (context.Response.HasStarted)
        {
            context.Abort();
            return error;
        }
        var (status, title, detail) = error switch
        {
            ForwarderError.RequestTimedOut => (StatusCodes.Status504GatewayTimeout, "Gateway Timeout",
                $"{target.DestinationName} did not answer within {target.Timeout.TotalSeconds:0.###} s; try again"),
            ForwarderError.RequestBodyClient => (StatusCodes.Status400BadRequest, "Bad Request",
                "the request body could not be read completely; send it again"),
            _ => (StatusCodes.Status502BadGateway, "Bad Gateway",
                $"{target.DestinationName} is unreachable or refused the connection ({error}); check that it is running"),
        };
        context.Response.Clear();
        await TypedResults.Problem(statusCode: status, title: title, detail: detail,
            extensions: new Dictionary<string, object?> { ["error"] = error.ToString() }).ExecuteAsync(context);
        return error;
    }
}
