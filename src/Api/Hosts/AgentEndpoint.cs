using System.Net.Http.Headers;

namespace ZeroLagHub.Api.Hosts;

/// <summary>How the control plane reaches one agent. The token is a secret: never logged, never in an event.</summary>
/// <param name="BaseAddress">The agent's URL; for a Unix socket agent, <see cref="AgentConnection.UnixSocketAuthority"/>'s
/// placeholder, which resolves nowhere, so a client without <see cref="AgentConnection.ConnectAsync"/> fails instead of
/// sending the token to some TCP port.</param>
/// <param name="UnixSocket">The agent's listening Unix socket (local containers), or null to connect over TCP (Proxmox).</param>
public sealed record AgentEndpoint(Uri BaseAddress, string Token, string? UnixSocket = null)
{
    /// <summary>An agent listening on the Unix socket <paramref name="socketPath"/>.</summary>
    public static AgentEndpoint OnUnixSocket(string socketPath, string token) =>
        new(new Uri($"http://{AgentConnection.UnixSocketAuthority(socketPath)}/"), token, socketPath);

    /// <summary>A request to <paramref name="relative"/> of the agent, with its token, marked for <see cref="AgentConnection.ConnectAsync"/>.</summary>
    public HttpRequestMessage NewRequest(HttpMethod method, string relative)
    {
        var request = new HttpRequestMessage(method, new Uri(BaseAddress, relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Mark(request);
        return request;
    }

    /// <summary>Marks a request to this agent (one built elsewhere: a forwarder's) so that its connection goes to <see cref="UnixSocket"/>.</summary>
    public void Mark(HttpRequestMessage request)
    {
        if (UnixSocket is not null) request.Options.Set(AgentConnection.UnixSocketOption, UnixSocket);
    }

    public override string ToString() => $"{UnixSocket ?? BaseAddress.ToString()} (token redacted)";
}
