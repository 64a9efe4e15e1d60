using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using ZeroLagHub.Api.Portal.Session;

namespace ZeroLagHub.Api.Portal.Csrf;

/// <summary>
/// Every state-changing request the portal's cookie authenticates must carry the page's antiforgery token (the
/// <c>X-CSRF-TOKEN</c> header from the portal's scripts, or the form field of its forms); without it, 400
/// problem+json and the handler never runs. Requests with an access token need none: a browser never adds
/// <c>Authorization</c> by itself.
/// </summary>
/// <remarks>
/// SameSite=Strict keeps other sites' requests from carrying the cookie, but the IDE's hosts (<c>{id}.ide.…</c>) are
/// the same site as the portal: without this check, script in the IDE could POST to <c>/api</c> as the user.
/// </remarks>
public sealed partial class PortalCsrfCheck(RequestDelegate next, IAntiforgery antiforgery, IProblemDetailsService problems,
    ILogger<PortalCsrfCheck> log)
{
    public const string HeaderName = "X-CSRF-TOKEN";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.User.Identity is { IsAuthenticated: true, AuthenticationType: PortalCookieAuthenticationHandler.SchemeName }
            && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            && !HttpMethods.IsOptions(context.Request.Method) && !HttpMethods.IsTrace(context.Request.Method)
            && !await antiforgery.IsRequestValidAsync(context))
        {
            LogRefused(log, context.Request.Method, context.Request.Path.Value ?? "");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "CSRF token missing or invalid",
                    Detail = $"This request was signed in by the portal's cookie but lacks the page's {HeaderName} token; reload the page and try again.",
                },
            });
            return;
        }
        await next(context);
    }

    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "{Method} {Path} with the portal cookie refused: no valid CSRF token")]
    private static partial void LogRefused(ILogger log, string method, string path);
}
