using System.Net.Http.Headers;
using Microsoft.AspNetCore.Diagnostics;
using Yarp.ReverseProxy.Forwarder;
using ZeroLagHub.Api.Hosts;

namespace ZeroLagHub.Api.Ide.Hop;

/// <summary>
/// One request's changes on its way to an agent (YARP has copied the headers and body setup before): the
/// agent-side path, the query without our <c>token</c>, the public <c>Host</c> kept (code-server compares a
/// WebSocket's Origin with it), <c>X-Forwarded-*</c> set by us alone (we face browsers: a client cannot claim
/// another address or host), our cookie out and the agent's token in.
/// </summary>
/// <param name="path">The path the agent sees, e.g. <c>/ide/static/x.js</c>.</param>
/// <param name="strippedPrefix">What was removed from the public path, sent as <c>X-Forwarded-Prefix</c>; empty for none.</param>
internal sealed class AgentHopTransformer(PathString path, PathString strippedPrefix, AgentEndpoint agent) : HttpTransformer
{
    private static readonly string[] Forwarded =
        [HopHeaders.ForwardedFor, HopHeaders.ForwardedProto, HopHeaders.ForwardedHost, HopHeaders.ForwardedPrefix];

    public override async ValueTask TransformRequestAsync(HttpContext context, HttpRequestMessage proxyRequest, string destinationPrefix,
        CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(context, proxyRequest, destinationPrefix, cancellationToken);
        var request = context.Request;
        HopHeaders.RemoveNamedByConnection(request.Headers.Connection, proxyRequest.Headers);

        var headers = proxyRequest.Headers;
        foreach (var name in Forwarded) headers.Remove(name);
        if (context.Connection.RemoteIpAddress is { } remote) headers.TryAddWithoutValidation(HopHeaders.ForwardedFor, remote.ToString());
        headers.TryAddWithoutValidation(HopHeaders.ForwardedProto, request.Scheme);
        headers.TryAddWithoutValidation(HopHeaders.ForwardedHost, request.Host.Value);
        if (strippedPrefix.HasValue) headers.TryAddWithoutValidation(HopHeaders.ForwardedPrefix, strippedPrefix.ToUriComponent());
        headers.Host = request.Host.Value;

        HopHeaders.RemoveCookies(proxyRequest, IdeGate.CookieName, Portal.Session.PortalCookie.Name);
        headers.Authorization = new AuthenticationHeaderValue("Bearer", agent.Token);
        proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, path,
            HopHeaders.WithoutParameter(request.QueryString, IdeGate.TokenParameter));
        // A local agent's connection goes to its Unix socket (AgentConnection dials what the request is marked with).
        agent.Mark(proxyRequest);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext context, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        // Our error pages must not replace the next hop's empty 404s (nor our own problem when it failed).
        if (context.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        var copy = await base.TransformResponseAsync(context, proxyResponse, cancellationToken);
        if (proxyResponse is not null) HopHeaders.RemoveNamedByConnection(proxyResponse, context.Response.Headers);
        return copy;
    }
}
