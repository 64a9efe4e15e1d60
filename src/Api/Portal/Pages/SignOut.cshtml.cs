using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Auth.Tokens;
using ZeroLagHub.Api.Portal.Session;

namespace ZeroLagHub.Api.Portal.Pages;

/// <summary>Sign-out (a POST with the antiforgery token): the session ends on every node, as the API's logout ends it, and the cookie goes.</summary>
public sealed class SignOutModel(PortalSessions sessions) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (CurrentUser.From(HttpContext) is { } user && Guid.TryParse(User.FindFirstValue(TokenClaims.Session), out var session))
            await sessions.SignOutAsync(user.Id, session, ct);
        Response.Cookies.Delete(PortalCookie.Name, PortalCookie.Options(Request, null));
        return Redirect("/signin");
    }
}
