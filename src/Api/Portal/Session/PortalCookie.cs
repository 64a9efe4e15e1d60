namespace ZeroLagHub.Api.Portal.Session;

/// <summary>The portal's session cookie: its name and how it is written.</summary>
/// <remarks>
/// HttpOnly (page script never sees it), SameSite=Strict (no other site's navigation or form carries it), Secure on
/// HTTPS, host-only with Path=/ (never sent to the IDE's hosts, <c>{id}.ide.…</c>). SameSite alone is not CSRF
/// protection here: the IDE's hosts are the same site, so state changes also need the antiforgery token (<see
/// cref="Csrf.PortalCsrfCheck"/>).
/// </remarks>
public static class PortalCookie
{
    public const string Name = "zlh_portal";

    public static CookieOptions Options(HttpRequest request, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        Secure = request.IsHttps,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
