using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;
using ZeroLagHub.Api.Hosts;

namespace ZeroLagHub.Api.Ide.Hop;

/// <summary>
/// Forwards one admitted request (HTTP, or a WebSocket: an HTTP/1.1 upgrade or, from HTTP/2 browsers, an
/// extended CONNECT) to an agent with YARP's <see cref="IHttpForwarder"/> and streams the answer back. Writes
/// the whole response, including a problem+json 502/504 when the agent fails before answering.
/// </summary>
public sealed class AgentHop(IHttpForwarder forwarder, AgentHopClient client)
{
    /// <summary>How long an agent may stay silent (no headers yet, or a body that stopped moving): 504 before the answer started.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>How long a WebSocket tunnel may carry nothing before it is closed; code-server's own keep-alives keep a live one busy.</summary>
    public TimeSpan WebSocketIdleTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Names the next hop in problems ("the container's agent").</summary>
    public string DestinationName { get; init; } = "the container's agent";

    /// <param name="path">The path the agent sees (the incoming query is kept, without our token).</param>
    /// <param name="strippedPrefix">The public prefix removed before <paramref name="path"/>: <c>X-Forwarded-Prefix</c>.</param>
    public async Task ForwardAsync(HttpContext context, AgentEndpoint agent, PathString path, PathString strippedPrefix)
    {
        // NOTE: HTTP/1.1 to the agent even for an HTTP/2 client: YARP turns an extended CONNECT into an HTTP/1.1
        // upgrade (code-server does not speak RFC 8441), and agents listen without TLS, where HTTP/2 would need h2c.
        var config = new ForwarderRequestConfig
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            ActivityTimeout = IsWebSocket(context) ? WebSocketIdleTimeout : Timeout,
        };
        var error = await forwarder.SendAsync(context, agent.BaseAddress.GetLeftPart(UriPartial.Authority), client.Invoker, config,
            new AgentHopTransformer(path, strippedPrefix, agent));
        if (error != ForwarderError.None) await ForwardingProblem.WriteAsync(context, error, DestinationName, Timeout);
    }

    private static bool IsWebSocket(HttpContext context) =>
        context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
        || context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true };
}
