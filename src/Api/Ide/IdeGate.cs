using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Npgsql;
using ZeroLagHub.Api.Audit;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Auth.SingleUse;
using ZeroLagHub.Api.Auth.Tokens;
using ZeroLagHub.Api.Containers;
using ZeroLagHub.Api.Ide.Sessions;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Api.Ide;

/// <summary>
/// Decides whether one request (HTTP or WebSocket) may reach a container's IDE. Credentials, first found wins:
/// <c>?token=</c> or <c>Authorization: Bearer</c> holding a single-use <c>dev-ide</c> token, else the IDE
/// session cookie. Ownership is re-checked against the container directory on every request, so a container
/// deleted or given to someone else closes its IDE at once.
/// </summary>
/// <remarks>
/// Statuses: 401 no credential, invalid / expired / reused token, an access token instead of an IDE token,
/// unknown / revoked / idle session; 403 a token or session of another container (whether or not this one
/// exists), or a cookie-authenticated WebSocket opened by a page of another origin (<see cref="WebSocketOrigin"/>);
/// 404 a valid token whose container is gone or no longer the user's.
/// </remarks>
public sealed partial class IdeGate(ContainerTokens tokens, IdeSessions sessions, NpgsqlDataSource db, IOptions<IdeOptions> options,
    AuditTrail audit, ILogger<IdeGate> log)
{
    public const string CookieName = "zlh_ide";
    public const string TokenParameter = "token";

    public async Task<IdeAdmission> AdmitAsync(HttpContext context, Guid containerId, CancellationToken ct)
    {
        var request = context.Request;
        var fromQuery = request.Query.TryGetValue(TokenParameter, out var queryToken);
        var token = fromQuery ? queryToken.ToString() : Bearer(request);
        if (token is not null) return await RedeemAsync(context, token, fromQuery, containerId, ct);

        if (request.Cookies[CookieName] is { } cookie)
        {
            // The browser sends the cookie whichever site opened the socket (SameSite=Lax does not cover WebSockets
            // from a sibling site), and a WebSocket is not bound by CORS: the Origin is the only sign of who asks.
            if (IsUpgrade(context) && !WebSocketOrigin.IsAllowed(request, options.Value.TrustedOrigins))
            {
                LogForeignOrigin(log, containerId, WebSocketOrigin.Shorten(request.Headers.Origin.ToString()));
                return IdeAdmission.Refused(StatusCodes.Status403Forbidden, "Origin not allowed",
                    "An IDE WebSocket authenticated by the session cookie must come from the IDE's own origin.");
            }
            return await ResumeAsync(cookie, containerId, ct);
        }

        return IdeAdmission.Refused(StatusCodes.Status401Unauthorized, "IDE token required",
            $"Open the IDE with ?token=<token>, the token from POST /api/dev/{containerId}/ide-token (valid 300 s, once).");
    }

    private async Task<IdeAdmission> RedeemAsync(HttpContext context, string token, bool fromQuery, Guid containerId, CancellationToken ct)
    {
        var check = await tokens.RedeemAsync(token, TokenTypes.DevIde, containerId, context.Connection.RemoteIpAddress, ct);
        switch (check.Outcome)
        {
            case ContainerTokenOutcome.OtherContainer:
                return IdeAdmission.Refused(StatusCodes.Status403Forbidden, "Token for another container",
                    "This IDE token opens another container's IDE; get one for this container with POST /api/dev/{id}/ide-token.");
            case ContainerTokenOutcome.Reused:
                LogTokenReused(log, containerId);
                return IdeAdmission.Refused(StatusCodes.Status401Unauthorized, "IDE token already used",
                    $"IDE tokens work once; get a new one with POST /api/dev/{containerId}/ide-token.");
            case not ContainerTokenOutcome.Redeemed:
                return IdeAdmission.Refused(StatusCodes.Status401Unauthorized, "IDE token invalid",
                    $"The IDE token is invalid or expired (an API access token is not an IDE token); get one with POST /api/dev/{containerId}/ide-token.");
        }

        var user = check.User!;
        if (await ContainerAccess.FindAsync(db, containerId, ct) is not { Kind: ContainerKind.Dev } container || !container.IsOpenTo(user))
            return IdeAdmission.Refused(StatusCodes.Status404NotFound, "Not found", "no such dev container (or not yours)");

        // A WebSocket carries no cookie back; a session is for browsers navigating the IDE. Either way a token opened the IDE.
        var upgrade = IsUpgrade(context);
        await audit.RecordAsync(user, AuditTrail.Actions.OpenIde, containerId, upgrade ? "ide websocket" : "ide session", "accepted", null);
        if (upgrade) return IdeAdmission.Admitted;
        var session = await sessions.StartAsync(user.Id, user.IsAdmin, containerId, ct);
        var navigation = fromQuery && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method));
        return new IdeAdmission(null, session, RedirectWithoutToken: navigation);
    }

    private async Task<IdeAdmission> ResumeAsync(string cookie, Guid containerId, CancellationToken ct)
    {
        if (await sessions.UseAsync(cookie, ct) is not { } session)
            return IdeAdmission.Refused(StatusCodes.Status401Unauthorized, "IDE session ended",
                $"The IDE session expired or was revoked; open the IDE again with a token from POST /api/dev/{containerId}/ide-token.",
                clearCookie: true);
        if (session.ContainerId != containerId)
            return IdeAdmission.Refused(StatusCodes.Status403Forbidden, "Session for another container",
                "This IDE session belongs to another container's IDE.");

        var user = new CurrentUser(session.UserId, "", session.Admin ? new HashSet<string>([Role.Admin]) : new HashSet<string>(), null);
        if (await ContainerAccess.FindAsync(db, containerId, ct) is { Kind: ContainerKind.Dev } container && container.IsOpenTo(user))
            return IdeAdmission.Admitted;

        // Deleted or transferred: every session on it ends, not just this one.
        var revoked = await sessions.RevokeForContainerAsync(containerId, ct);
        LogSessionsRevoked(log, containerId, revoked);
        return IdeAdmission.Refused(StatusCodes.Status401Unauthorized, "IDE session ended",
            "The container was deleted or is no longer yours; its IDE sessions have ended.", clearCookie: true);
    }

    private static string? Bearer(HttpRequest request)
    {
        string? header = request.Headers.Authorization;
        return header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    internal static bool IsUpgrade(HttpContext context) =>
        context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true }
        || context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true };

    [LoggerMessage(EventId = 800, Level = LogLevel.Warning, Message = "A used IDE token was presented again for container {ContainerId}")]
    private static partial void LogTokenReused(ILogger log, Guid containerId);

    [LoggerMessage(EventId = 802, Level = LogLevel.Warning, Message = "IDE WebSocket for container {ContainerId} with the session cookie refused: Origin {Origin}")]
    private static partial void LogForeignOrigin(ILogger log, Guid containerId, string origin);

    [LoggerMessage(EventId = 801, Level = LogLevel.Information, Message = "Container {ContainerId} deleted or transferred: {Count} IDE session(s) revoked")]
    private static partial void LogSessionsRevoked(ILogger log, Guid containerId, int count);
}
