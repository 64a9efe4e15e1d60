using Microsoft.AspNetCore.Authentication;
using ZeroLagHub.Api.Auth;

namespace ZeroLagHub.Api.Portal.Session;

/// <summary>
/// The scheme every endpoint authenticates with: the access token when the request has an <c>Authorization</c> header
/// (the CLI, scripts), else, with the portal on, the portal's session cookie. One credential per request, never
/// both: a request with a bad token is refused even if it also carries a good cookie.
/// </summary>
public static class ApiAuthentication
{
    public const string SchemeName = "BearerOrPortal";

    public static AuthenticationBuilder AddApiAuthenticationPolicy(this AuthenticationBuilder builder, bool portal) =>
        builder.AddPolicyScheme(SchemeName, "Access token, else the portal's cookie", o => o.ForwardDefaultSelector = context =>
            !portal || context.Request.Headers.Authorization.Count > 0
                ? AccessTokenAuthenticationHandler.SchemeName
                : PortalCookieAuthenticationHandler.SchemeName);
}
