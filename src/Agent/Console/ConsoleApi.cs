using Microsoft.Extensions.Options;
using ZeroLagHub.Agent.Hosting;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Console;

/// <summary>
/// <c>GET /console?kind=shell|server[&amp;rows=R&amp;cols=C]</c>, upgraded to a WebSocket (agent token, as every
/// route but /health). Binary frames carry raw terminal bytes both ways; text frames carry JSON control
/// messages (<see cref="ConsoleControl"/>). Keepalive: a WebSocket ping every
/// <see cref="ConsoleOptions.KeepAliveInterval"/>; a peer that stops answering is dropped.
/// </summary>
public static class ConsoleApi
{
    public static IEndpointRouteBuilder MapConsoleApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/console", AttachAsync);
        return app;
    }

    private static async Task<IResult> AttachAsync(HttpContext context, string? kind, int? rows, int? cols,
        ConsoleSessions sessions, IOptions<ConsoleOptions> consoleOptions, IOptions<AgentOptions> agentOptions)
    {
        if (kind is not ("shell" or "server"))
            return Results.Problem(statusCode: 400, title: "Unknown console", detail: "kind must be shell or server, e.g. /console?kind=shell");
        if (rows is not null and (< 1 or > ConsoleControl.MaxDimension) || cols is not null and (< 1 or > ConsoleControl.MaxDimension))
            return Results.Problem(statusCode: 400, title: "Bad terminal size", detail: $"rows and cols must be between 1 and {ConsoleControl.MaxDimension}");
        if (!context.WebSockets.IsWebSocketRequest)
            return Results.Problem(statusCode: 400, title: "WebSocket required", detail: "the console is a WebSocket: send the GET with Upgrade: websocket");

        ConsoleSession? session;
        if (kind == "server")
        {
            session = sessions.Find(ConsoleKind.Server);
            if (session is null)
                return Results.Problem(statusCode: 409, title: "No server console",
                    detail: agentOptions.Value.Kind == ContainerKind.Dev
                        ? "this is a dev container: it has no game server; use kind=shell"
                        : "the game server is not running: start it, then attach its console");
        }
        else
        {
            try { session = sessions.GetOrStartShell(rows ?? 24, cols ?? 80); }
            catch (IOException e)
            {
                context.RequestServices.GetRequiredService<ILogger<ConsoleSessions>>().ShellStartFailed(e);
                return Results.Problem(statusCode: 500, title: "Shell did not start", detail: e.Message);
            }
        }

        var o = consoleOptions.Value;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = o.KeepAliveInterval,
            KeepAliveTimeout = o.KeepAliveTimeout,
        });
        // A session that ended between lookup and accept: the client is told, and reconnects to a fresh shell.
        if (!await session.AttachAsync(socket, context.RequestAborted))
            await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, "console ended: reconnect", CancellationToken.None);
        return Results.Empty;
    }
}
