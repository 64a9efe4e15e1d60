using ZeroLagHub.Agent.CodeServer;
using ZeroLagHub.Forwarding;

namespace ZeroLagHub.Agent.Ide;

/// <summary>
/// <c>/ide</c> → redirect to <c>ide/</c>; <c>/ide/{**rest}</c> (HTTP and WebSockets) → code-server's <c>/{rest}</c>
/// over the Unix socket the <see cref="CodeServerSupervisor"/> has it listen on. The agent-token middleware has
/// already admitted the caller (the API): code-server runs with <c>--auth none</c>, and its socket is open to
/// its own user and root alone, so this route is the only way in; the token is removed before forwarding.
/// </summary>
public static class IdeApi
{
    private static readonly PathString Prefix = "/ide";

    public static IEndpointRouteBuilder MapIdeApi(this IEndpointRouteBuilder routes)
    {
        // One route: it matches "/ide" and "/ide/" alike (routing ignores a trailing slash), which TryStrip tells apart.
        routes.Map("/ide/{**rest}", Forward);
        return routes;
    }

    private static async Task Forward(HttpContext context, HttpForwarder forwarder, CodeServerLocator locator)
    {
        if (!ForwardedPath.TryStrip(context.Request.Path, Prefix, out var rest))
        {
            await ForwardedPath.RedirectToSlash(context).ExecuteAsync(context);
            return;
        }
        // NOTE: the configured socket, not CodeServerSupervisor.Current(): that scans /proc, too slow for every
        // request of a page that loads hundreds of files. A stopped code-server shows as a 502 naming it.
        var socket = locator.SocketPath;
        await forwarder.SendAsync(context, ForwardRequest.ToUnixSocket(socket, rest) with
        {
            DestinationName = $"code-server (unix:{socket})",
            StrippedPrefix = Prefix,
            // Only the API reaches this route (it holds the token), and it set X-Forwarded-* for the browser.
            TrustForwardedHeaders = true,
            Transform = static (_, request) => RequestTransforms.RemoveAuthorization(request),
        });
    }
}
