using System.Net;
using System.Net.WebSockets;
using ZeroLagHub.Cli.Api;

namespace ZeroLagHub.Cli.Consoles;

/// <summary>
/// Opens <c>GET /api/servers/{id}/console?kind=…&amp;rows=…&amp;cols=…</c> as a WebSocket with the session's access
/// token in the Authorization header (renewed once when the API answers 401). A refused handshake carries no
/// body a WebSocket client can read, so each status the API documents is turned into its own message.
/// </summary>
internal static class ConsoleSocket
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>WebSocket pings find a connection that died without a close (a laptop that slept, a dropped route).</summary>
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(15);

    public static async Task<ApiResult<WebSocket>> ConnectAsync(ApiClient client, ConsoleTarget target, TerminalSize? size, CancellationToken ct)
    {
        var uri = new UriBuilder(new Uri(client.BaseAddress, $"api/servers/{target.Id}/console?kind={target.Kind}{size?.Query}"))
        {
            Scheme = client.BaseAddress.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
        }.Uri;
        for (var renew = false; ; renew = true)
        {
            var token = await client.AccessTokenAsync(renew, ct);
            if (token.Problem is { } noToken) return noToken;
            var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token.Value);
            socket.Options.KeepAliveInterval = KeepAliveInterval;
            socket.Options.KeepAliveTimeout = KeepAliveTimeout;
            socket.Options.CollectHttpResponseDetails = true;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ConnectTimeout);
            try
            {
                await socket.ConnectAsync(uri, timeout.Token);
                return new ApiResult<WebSocket>(socket, null);
            }
            catch (WebSocketException e)
            {
                var status = (int)socket.HttpStatusCode;
                socket.Dispose();
                if (status == (int)HttpStatusCode.Unauthorized && !renew) continue;   // the API's clock or keys disagree with ours: renew once
                return Refused(client.BaseAddress, target, status, e);
            }
            catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
            {
                socket.Dispose();
                return ApiProblem.Unreachable(client.BaseAddress, new TimeoutException($"no answer within {ConnectTimeout.TotalSeconds:0} s", e));
            }
        }
    }

    /// <summary>What the API means by each status of a refused console (src/Api/Console/ConsoleApi.cs).</summary>
    private static ApiProblem Refused(Uri api, ConsoleTarget target, int status, WebSocketException error) => status switch
    {
        0 or (int)HttpStatusCode.SwitchingProtocols => ApiProblem.Unreachable(api, error.InnerException ?? error),
        (int)HttpStatusCode.BadRequest => new ApiProblem(status, "Console refused", $"the API or the agent refused the {target.Kind} console request (400)"),
        (int)HttpStatusCode.Unauthorized => new ApiProblem(status, "Session expired", $"the API refused the stored session: run zlh login --api {api}"),
        (int)HttpStatusCode.Forbidden => new ApiProblem(status, "Forbidden", $"the API does not let this account open {target.Description}"),
        (int)HttpStatusCode.NotFound => new ApiProblem(status, "Not found", $"container {target.Id} does not exist (or is not yours)"),
        (int)HttpStatusCode.Conflict => new ApiProblem(status, "No server console",
            "the game server is not running (start it with zlh server start), or this is a dev container: use --shell"),
        (int)HttpStatusCode.BadGateway => new ApiProblem(status, "Agent unreachable",
            $"the API cannot reach the container's agent; is it running? (zlh show {target.Reference}, zlh start {target.Reference})"),
        _ => new ApiProblem(status, "Console refused", $"the API answered {status} to the console request"),
    };
}
