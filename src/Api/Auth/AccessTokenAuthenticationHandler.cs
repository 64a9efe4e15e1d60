using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ZeroLagHub.Api.Auth.Sessions;
using ZeroLagHub.Api.Auth.Tokens;

namespace ZeroLagHub.Api.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;access token&gt;</c> (JwtBearer is not available here).
/// Only tokens of type <see cref="TokenTypes.Access"/> pass, and only while their session (<c>sid</c>) has not
/// ended (<see cref="SessionRevocations"/>); 401 and 403 answer with problem+json.
/// </summary>
public sealed partial class AccessTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder,
    TokenService tokens, SessionRevocations sessions, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "Bearer";
    private const string Prefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();

        var check = await tokens.ValidateAsync(header[Prefix.Length..].Trim(), TokenTypes.Access);
        if (!check.IsValid) return Rejected(check.Failure);
        // Every access token names its session; one without could not be ended by a logout, so it is not accepted.
        if (!Guid.TryParse(check.Identity.FindFirst(TokenClaims.Session)?.Value, out var session))
            return Rejected("access token without a session");
        if (await sessions.IsRevokedAsync(session, Context.RequestAborted))
            return Rejected("the token's session has ended (logout, reused refresh token or password change)");
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(check.Identity), SchemeName));
    }

    private AuthenticateResult Rejected(string reason)
    {
        LogRejected(Logger, reason);
        return AuthenticateResult.Fail("invalid access token");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var rejected = result.Failure is not null;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = rejected ? "Bearer error=\"invalid_token\"" : "Bearer";
        await WriteProblem(StatusCodes.Status401Unauthorized, "Authentication required", rejected
            ? "The access token is invalid, has expired or its session ended: get a new one with POST /api/auth/refresh or POST /api/auth/login."
            : "Send an access token as 'Authorization: Bearer <token>'; POST /api/auth/login returns one.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return WriteProblem(StatusCodes.Status403Forbidden, "Forbidden", "Your account does not have the role this action needs.");
    }

    private async Task WriteProblem(int status, string title, string detail) =>
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });

    [LoggerMessage(EventId = 600, Level = LogLevel.Debug, Message = "Access token rejected: {Reason}")]
    private static partial void LogRejected(ILogger log, string reason);
}
