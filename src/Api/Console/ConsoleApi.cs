using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using ZeroLagHub.Api.Audit;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Auth.SingleUse;
using ZeroLagHub.Api.Auth.Tokens;
using ZeroLagHub.Api.Containers;
using ZeroLagHub.Api.Headers;
using ZeroLagHub.Api.Hosts;

namespace ZeroLagHub.Api.Console;

/// <summary>
/// A container's console through the API:
/// <list type="bullet">
/// <item><c>POST /api/servers/{id}/console-token</c> → 200 {token, expiresAt, url}: single use, 60 s, for browsers (which cannot set headers on a WebSocket)</item>
/// <item><c>GET /api/servers/{id}/console?kind=shell|server[&amp;rows&amp;cols][&amp;token]</c>, a WebSocket, with the console token
/// or an access token (Authorization header) → relayed to the agent's console (<see cref="ConsoleRelay"/>).
/// 400 bad kind or not a WebSocket; 401 no / bad / reused credential; 403 token of another container; 404 not yours;
/// the agent's refusal (409 no server console) passed on; 502 agent unreachable.</item>
/// </list>
/// </summary>
public static class ConsoleApi
{
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(60);

    public static IEndpointRouteBuilder MapConsoleApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/servers/{id:guid}").WithTags("Console");
        group.MapPost("/console-token", IssueToken).WithNoStore();
        // Anonymous to the access-token policy: the handler accepts a console token too, and checks both itself.
        group.MapGet("/console", AttachAsync).AllowAnonymous().Produces(StatusCodes.Status101SwitchingProtocols);
        return routes;
    }

    private static async Task<Results<Ok<ConsoleTokenResponse>, ProblemHttpResult>> IssueToken(
        Guid id, CurrentUser user, NpgsqlDataSource db, ContainerTokens tokens, CancellationToken ct)
    {
        if (await ContainerAccess.FindAsync(db, id, ct) is not { } container || !container.IsOpenTo(user)) return NotFound();
        var issued = tokens.Issue(TokenTypes.Console, user, container, TokenLifetime);
        return TypedResults.Ok(new ConsoleTokenResponse(issued.Token, issued.ExpiresAt,
            $"/api/servers/{id}/console?kind=shell&token={Uri.EscapeDataString(issued.Token)}"));
    }

    private static async Task AttachAsync(HttpContext context, Guid id, string? kind, int? rows, int? cols, string? token,
        ContainerTokens tokens, NpgsqlDataSource db, IContainerHost host, ConsoleRelay relay, AuditTrail audit)
    {
        var ct = context.RequestAborted;
        if (kind is not ("shell" or "server"))
        {
            await Problem(400, "Unknown console", "kind must be shell or server, e.g. ?kind=shell").ExecuteAsync(context);
            return;
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Problem(400, "WebSocket required", "the console is a WebSocket: send the GET with Upgrade: websocket").ExecuteAsync(context);
            return;
        }

        CurrentUser? user;
        if (token is not null)
        {
            var check = await tokens.RedeemAsync(token, TokenTypes.Console, id, context.Connection.RemoteIpAddress, ct);
            user = check.User;
            var refusal = check.Outcome switch
            {
                ContainerTokenOutcome.OtherContainer => Problem(403, "Token for another container", "this console token opens another container's console"),
                ContainerTokenOutcome.Reused => Problem(401, "Console token already used", $"console tokens work once; get a new one with POST /api/servers/{id}/console-token"),
                ContainerTokenOutcome.Invalid => Problem(401, "Console token invalid", $"the console token is invalid or expired; get one with POST /api/servers/{id}/console-token"),
                _ => null,
            };
            if (refusal is not null) { await refusal.ExecuteAsync(context); return; }
        }
        else user = CurrentUser.From(context);
        if (user is null)
        {
            await Problem(401, "Authentication required",
                $"send an access token as 'Authorization: Bearer <token>', or ?token= from POST /api/servers/{id}/console-token").ExecuteAsync(context);
            return;
        }

        if (await ContainerAccess.FindAsync(db, id, ct) is not { } container || !container.IsOpenTo(user))
        {
            await NotFound().ExecuteAsync(context);
            return;
        }
        if (await host.FindAgentAsync(id, ct) is not { } agent)
        {
            await Problem(502, "Bad Gateway", $"container {id} has no agent on its host; start it with POST /api/servers/{id}/start").ExecuteAsync(context);
            return;
        }

        var query = $"kind={kind}"
            + (rows is { } r ? "&rows=" + r.ToString(CultureInfo.InvariantCulture) : "")
            + (cols is { } c ? "&cols=" + c.ToString(CultureInfo.InvariantCulture) : "");
        var (agentSocket, refused) = await relay.ConnectAsync(agent, query, ct);
        if (agentSocket is null)
        {
            await (refused switch
            {
                409 => Problem(409, "No server console", "the game server is not running (or this is a dev container: use kind=shell)"),
                >= 400 and < 500 => Problem(refused, "Console refused", $"the agent refused the console ({refused}); check kind, rows and cols"),
                _ => Problem(502, "Bad Gateway", "the container's agent is unreachable; check that the container is running"),
            }).ExecuteAsync(context);
            return;
        }
        using (agentSocket)
        {
            await audit.RecordAsync(user, AuditTrail.Actions.OpenConsole, id, $"console {kind}", "accepted", null);
            using var client = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.FromSeconds(15) });
            await relay.RelayAsync(client, agentSocket, ct);
        }
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(detail, statusCode: status, title: title);

    private static ProblemHttpResult NotFound() => Problem(404, "Not found", "no such container (or not yours)");
}
