using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ZeroLagHub.Api.Auth.Accounts;
using ZeroLagHub.Api.Auth.Login;
using ZeroLagHub.Api.Portal.Session;

namespace ZeroLagHub.Api.Portal.Pages;

/// <summary>
/// The sign-in form: the API's login (<see cref="PortalSessions"/>: same account check and throttling), then the
/// session cookie and a redirect to where the user was going (a local path only). Razor Pages check the form's
/// antiforgery token, so no other site can sign a browser in to an account of its choosing.
/// </summary>
public sealed class SignInModel(PortalSessions sessions) : PageModel
{
    [BindProperty] public string? Username { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public string? Problem { get; private set; }

    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? LocalRedirect(Target()) : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (string.IsNullOrEmpty(Username) || string.IsNullOrEmpty(Password))
            return Refuse(StatusCodes.Status400BadRequest, "Enter your username and password.");
        if (Username.Length > AccountRules.MaxUsernameLength || Password.Length > AccountRules.MaxPasswordLength)
            return Refuse(StatusCodes.Status401Unauthorized, "Wrong username or password.");

        var result = await sessions.SignInAsync(Username, Password, HttpContext.Connection.RemoteIpAddress, ct);
        switch (result.Outcome)
        {
            case LoginOutcome.LoggedIn:
                Response.Cookies.Append(PortalCookie.Name, result.Cookie!, PortalCookie.Options(Request, result.Expires));
                return LocalRedirect(Target());
            case LoginOutcome.Throttled:
                var seconds = (int)Math.Ceiling(Math.Max(1, result.RetryAfter.TotalSeconds));
                Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return Refuse(StatusCodes.Status429TooManyRequests, $"Too many failed sign-ins from this address; try again in {seconds} s.");
            default:
                return Refuse(StatusCodes.Status401Unauthorized, "Wrong username or password.");
        }
    }

    private PageResult Refuse(int status, string problem)
    {
        Problem = problem;
        Password = null;
        Response.StatusCode = status;
        return Page();
    }

    // Only a path of this site: an absolute or protocol-relative URL would make the form an open redirect.
    private string Target() => Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/";
}
