using ZeroLagHub.Agent.CodeServer;

namespace ZeroLagHub.Agent.Ide;

/// <summary>
/// <c>/ide</c> → redirect to <c>ide/</c>; <c>/ide/{**rest}</c> (HTTP and WebSockets) → code-server's <c>/{rest}</c>
/// over the Unix socket the <see cref="CodeServerSupervisor"/> has it listen on (<see cref="CodeServerHop"/>). The
/// agent-token middleware has already admitted the caller (the API): code-server runs with <c>--auth none</c>, and
/// its socket is open to its own user and root alone, so this route is the only way in; the token is removed before forwarding.
/// </summary>
public static class IdeApi
{
    private static readonly PathString Prefix = "/ide";

    public static IEndpointRouteBuilder MapIdeApi(this IEndpointRouteBuilder routes)
    {
        // One route: it matches "/ide" and "/ide/" alike (routing ignores a trailing slash), told apart below.
        routes.Map("/ide/{**rest}", Forward);
        return routes;
    }

    private static async Task Forward(HttpContext context, CodeServerHop hop)
    {
        // code-server's relative URLs only resolve beneath "…/ide/": the bare prefix is sent there (307: method
        // and body kept; a relative Location, right however many hops stripped a prefix before us).
        if (!context.Request.Path.StartsWithSegments(Prefix, StringComparison.Ordinal, out var rest) || !rest.HasValue)
        {
            await Results.Redirect("ide/" + context.Request.QueryString.Value, permanent: false, preserveMethod: true).ExecuteAsync(context);
            return;
        }
        await hop.ForwardAsync(context, rest, Prefix);
    }
}
