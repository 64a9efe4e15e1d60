using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Auth.Tokens;

namespace ZeroLagHub.Api.Portal.Session;

/// <summary>
/// Authenticates the portal's session cookie (<see cref="PortalCookie"/>) with the claims an access token carries, so
/// the API's handlers see the same <see cref="CurrentUser"/> either way. Chosen by <see cref="ApiAuthentication"/> when
/// a request has no <c>Authorization</c> header.
/// </summary>
/// <remarks>
/// WebSocket handshakes are not authenticated by the cookie: a WebSocket is not bound by CORS, and the IDE's hosts are
/// the same site as the portal, so script there could otherwise open a console as the user. The portal's console gets
/// a single-use console token instead (a POST, which needs the CSRF token).
/// </remarks>
public sealed class PortalCookieAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder, PortalSessions sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "PortalCookie";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Context.WebSockets.IsWebSocketRequest || !Request.Cookies.TryGetValue(PortalCookie.Name, out var cookie))
            return AuthenticateResult.NoResult();
        if (await sessions.FindAsync(cookie, Context.RequestAborted) is not { } session)
            return AuthenticateResult.Fail("the portal session has ended");

        List<Claim> claims =
        [
            new(TokenClaims.Subject, session.UserId.ToString()),
            new(TokenClaims.Name, session.Username),
            new(TokenClaims.Session, session.SessionId.ToString()),
            .. session.Roles.Select(r => new Claim(TokenClaims.Role, r)),
        ];
        var identity = new ClaimsIdentity(claims, SchemeName, TokenClaims.Name, TokenClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>The API's routes answer as without a token (401 problem+json); pages send the browser to sign in.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (IsApi(Request)) return Context.ChallengeAsync(AccessTokenAuthenticationHandler.SchemeName);
        var back = Request.PathBase + Request.Path + Request.QueryString;
        Response.Redirect("/signin" + (back == "/" ? "" : "?returnUrl=" + Uri.EscapeDataString(back)));
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Context.ForbidAsync(AccessTokenAuthenticationHandler.SchemeName);

    internal static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api");
}
