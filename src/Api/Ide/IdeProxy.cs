using ZeroLagHub.Api.Headers;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Forwarding;

namespace ZeroLagHub.Api.Ide;

/// <summary>
/// Serves one container's IDE in either mode: admits the request (<see cref="IdeGate"/>), turns a redeemed
/// <c>?token=</c> into the session cookie plus a redirect without the token (so it never sits in history or
/// logs), then forwards to the agent's <c>/ide/…</c> with the agent's token, our cookie and credentials removed.
/// </summary>
public sealed class IdeProxy(IdeGate gate, IContainerHost host, HttpForwarder forwarder)
{
    private static readonly PathString AgentIde = "/ide";

    /// <param name="publicPrefix"><c>/api/dev/{id}/ide</c> in path mode; empty in host mode (the IDE is the whole host).</param>
    public async Task ServeAsync(HttpContext context, Guid containerId, PathString publicPrefix)
    {
        SecurityHeaders.MarkAsIde(context);
        PathString rest;
        if (!publicPrefix.HasValue) rest = context.Request.Path.HasValue ? context.Request.Path : "/";
        else if (!ForwardedPath.TryStrip(context.Request.Path, publicPrefix, out rest))
        {
            // code-server's relative URLs only resolve beneath "…/ide/". Nothing is revealed: every id redirects.
            await ForwardedPath.RedirectToSlash(context).ExecuteAsync(context);
            return;
        }

        var ct = context.RequestAborted;
        var admission = await gate.AdmitAsync(context, containerId, ct);
        var cookie = CookieOptions(context, publicPrefix);
        if (admission.ClearCookie) context.Response.Cookies.Delete(IdeGate.CookieName, cookie);
        if (admission.Problem is { } problem)
        {
            await problem.ExecuteAsync(context);
            return;
        }
        if (admission.NewSession is { } session)
        {
            context.Response.Cookies.Append(IdeGate.CookieName, session, cookie);
            if (admission.RedirectWithoutToken)
            {
                context.Response.Redirect(WithoutToken(context.Request));
                return;
            }
        }

        if (await host.FindAgentAsync(containerId, ct) is not { } agent)
        {
            await TypedResults.Problem($"container {containerId} has no agent on its host; start the container (POST /api/servers/{containerId}/start)",
                statusCode: StatusCodes.Status502BadGateway, title: "Bad Gateway").ExecuteAsync(context);
            return;
        }
        var agentToken = agent.Token;
        await forwarder.SendAsync(context, new ForwardRequest(agent.BaseAddress, AgentIde.Add(rest))
        {
            DestinationName = "the container's agent",
            UnixSocket = agent.UnixSocket,
            // The agent appends its own "/ide" when it strips it, so what we remove before that is the prefix
            // up to "/ide": code-server then sees X-Forwarded-Prefix = the public "/api/dev/{id}/ide".
            // NOTE: in host mode that makes "/ide" where "" would be right; code-server builds relative URLs
            // and does not read the header, so it is informational only.
            StrippedPrefix = publicPrefix.HasValue ? publicPrefix.Value![..^AgentIde.Value!.Length] : default(PathString),
            Transform = (_, outgoing) =>
            {
                RequestTransforms.SetBearer(outgoing, agentToken);
                RequestTransforms.RemoveCookies(outgoing, IdeGate.CookieName);
                RequestTransforms.RemoveQueryParameter(outgoing, IdeGate.TokenParameter);
            },
        });
    }

    private static CookieOptions CookieOptions(HttpContext context, PathString publicPrefix) => new()
    {
        HttpOnly = true,
        Secure = context.Request.IsHttps,
        // Lax, not Strict: a browser withholds a Strict cookie after the cross-site redirect from the portal, and would loop.
        SameSite = SameSiteMode.Lax,
        // Host mode: host-only (no Domain), so sibling IDE hosts never see each other's cookie.
        Path = publicPrefix.HasValue ? publicPrefix.Value : "/",
    };

    private static string WithoutToken(HttpRequest request)
    {
        var kept = request.Query.Where(p => p.Key != IdeGate.TokenParameter).SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)));
        return (request.PathBase + request.Path).ToUriComponent() + QueryString.Create(kept).ToUriComponent();
    }
}
