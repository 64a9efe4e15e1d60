using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace ZeroLagHub.Api.Hosts;

/// <summary>
/// The one place connections to agents are dialled: to the agent's Unix socket when the request is marked with one
/// (<see cref="AgentEndpoint.Mark"/>), else over TCP as <c>SocketsHttpHandler</c> connects by itself. Every client
/// that talks to agents (the <c>agents</c>, <c>agent-poller</c> and <c>local-agents</c> HttpClients, the console's
/// WebSocket, the IDE's forwarder) goes through <see cref="ConnectAsync"/>.
/// </summary>
/// <remarks>
/// A local agent's socket is bound by the control plane in a directory no container can write, and its listening
/// descriptor handed to the agent: no tenant can take the address over as one could a freed loopback port, so the
/// token goes to that container's agent and nothing else.
/// </remarks>
public static class AgentConnection
{
    /// <summary>Set on a request (through <see cref="AgentEndpoint.Mark"/>) whose connection goes to a Unix socket.</summary>
    public static readonly HttpRequestOptionsKey<string> UnixSocketOption = new("ZeroLagHub.Api.AgentUnixSocket");

    /// <summary>
    /// The URL authority of a Unix socket agent: one per socket path, because connections are pooled by authority (two
    /// agents must never share a pooled connection), and under <c>.invalid</c> (RFC 6761), so a client without
    /// <see cref="ConnectAsync"/> fails to resolve it rather than reaching some TCP port.
    /// </summary>
    public static string UnixSocketAuthority(string socketPath) =>
        $"agent-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(socketPath)).AsSpan(0, 16))}.invalid";

    /// <summary>A handler for clients of agents: no proxy (agents are on loopback or a private network), no cookies, every connection through <see cref="ConnectAsync"/>.</summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        ConnectCallback = ConnectAsync,
    };

    /// <summary>
    /// A handler whose every connection goes to <paramref name="agent"/>: for clients that build their requests themselves
    /// (<c>ClientWebSocket</c>), where no request can be marked.
    /// </summary>
    public static SocketsHttpHandler CreateHandlerFor(AgentEndpoint agent)
    {
        var handler = CreateHandler();
        if (agent.UnixSocket is { } path) handler.ConnectCallback = (_, ct) => ConnectAsync(path, null, ct);
        return handler;
    }

    /// <summary>A new connection: to the request's Unix socket when it names one, else over TCP (dual mode, no Nagle, as without a callback).</summary>
    public static ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct) =>
        ConnectAsync(context.InitialRequestMessage.Options.TryGetValue(UnixSocketOption, out var path) ? path : null, context.DnsEndPoint, ct);

    private static async ValueTask<Stream> ConnectAsync(string? unixSocket, DnsEndPoint? tcp, CancellationToken ct)
    {
        var socket = unixSocket is null
            ? new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
            : new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            if (unixSocket is not null) await socket.ConnectAsync(new UnixDomainSocketEndPoint(unixSocket), ct);
            else await socket.ConnectAsync(tcp ?? throw new InvalidOperationException("no endpoint to connect to"), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
