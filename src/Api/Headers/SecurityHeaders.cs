using Microsoft.Net.Http.Headers;

namespace ZeroLagHub.Api.Headers;

/// <summary>
/// Headers on every answer, errors and redirects included (set when the response starts):
/// <list type="bullet">
/// <item><c>X-Content-Type-Options: nosniff</c>: a JSON answer is never run as a script or page;</item>
/// <item>framing: <c>Content-Security-Policy: frame-ancestors 'none'</c> and <c>X-Frame-Options: DENY</c> (older
/// browsers); the IDE gets <c>'self'</c> / <c>SAMEORIGIN</c> instead, since code-server frames its own webviews;</item>
/// <item><c>Referrer-Policy: no-referrer</c> (IDE: <c>strict-origin</c>): URLs, which may hold ids, stay here;</item>
/// <item><c>Cache-Control: no-store</c> on endpoints marked <see cref="NoStore"/> (token answers).</item>
/// </list>
/// Kestrel's <c>Server</c> header is off (Program.cs). Headers the IDE's code-server set itself are kept.
/// </summary>
public static class SecurityHeaders
{
    private static readonly object IdeMark = new();

    /// <summary>This response is the IDE's (path or host mode), which code-server frames itself.</summary>
    public static void MarkAsIde(HttpContext context) => context.Items[IdeMark] = true;

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            Apply(context);
            return Task.CompletedTask;
        });
        return next(context);
    });

    private static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        var ide = context.Items.ContainsKey(IdeMark);
        headers.XContentTypeOptions = "nosniff";
        headers.TryAdd(HeaderNames.XFrameOptions, ide ? "SAMEORIGIN" : "DENY");
        // Its own header beside any policy code-server sends: every policy applies, so this one adds only the framing rule.
        headers.Append(HeaderNames.ContentSecurityPolicy, ide ? "frame-ancestors 'self'" : "frame-ancestors 'none'");
        headers.TryAdd("Referrer-Policy", ide ? "strict-origin" : "no-referrer");
        if (context.GetEndpoint()?.Metadata.GetMetadata<NoStore>() is not null)
        {
            headers.CacheControl = "no-store";
            headers.Pragma = "no-cache";
        }
    }
}
