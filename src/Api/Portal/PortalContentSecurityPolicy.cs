using Microsoft.AspNetCore.Mvc.Filters;

namespace ZeroLagHub.Api.Portal;

/// <summary>
/// The portal's pages run only our own scripts: no inline script, nothing from another origin, forms and fetches to
/// this origin only. Appended beside <c>UseSecurityHeaders</c>' <c>frame-ancestors 'none'</c> (a browser applies
/// every policy). Styles allow inline: xterm.js writes its cell metrics into a <c>&lt;style&gt;</c> element.
/// </summary>
public sealed class PortalContentSecurityPolicy : IResultFilter
{
    public const string Policy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'";

    public void OnResultExecuting(ResultExecutingContext context) =>
        context.HttpContext.Response.Headers.Append("Content-Security-Policy", Policy);

    public void OnResultExecuted(ResultExecutedContext context) { }
}
