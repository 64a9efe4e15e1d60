using Microsoft.AspNetCore.Http;

namespace ZeroLagHub.Forwarding;

/// <summary>
/// Where one incoming request goes: <paramref name="Destination"/> (scheme, host and port of the next hop)
/// plus <paramref name="Path"/>, the path the next hop sees; the incoming query string is kept.
/// </summary>
/// <param name="Destination">Base address of the next hop, e.g. <c>http://127.0.0.1:8080</c>; its path is ignored.
/// Not used when <see cref="UnixSocket"/> is set.</param>
/// <param name="Path">The path sent to the next hop, normally from <see cref="ForwardedPath.TryStrip"/>.</param>
public sealed record ForwardRequest(Uri Destination, PathString Path)
{
    /// <summary>
    /// A next hop listening on the Unix domain socket <paramref name="socketPath"/> rather than a TCP port (code-server,
    /// which nobody but its own user and root can then reach). Plain HTTP/1.1 and WebSocket upgrades over it, as
    /// over TCP; the request keeps the public <c>Host</c>. Needs the client of <see cref="ForwarderClient.Create"/>.
    /// </summary>
    public static ForwardRequest ToUnixSocket(string socketPath, PathString path) =>
        new(new Uri("http://localhost"), path) { UnixSocket = socketPath };

    /// <summary>The Unix domain socket connections go to instead of <see cref="Destination"/>'s host and port; see <see cref="ToUnixSocket"/>.</summary>
    public string? UnixSocket { get; init; }

    /// <summary>Names the next hop in problems and logs ("code-server", "the agent").</summary>
    public string DestinationName { get; init; } = "the destination";

    /// <summary>The public prefix that was stripped from the path; sent as <c>X-Forwarded-Prefix</c> so the next hop can build absolute links.</summary>
    public PathString StrippedPrefix { get; init; }

    /// <summary>How long the next hop may take to answer with headers (not to stream its body): 504 after it.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// Whether the caller is trusted to have set <c>X-Forwarded-*</c> itself (the agent behind the API): then
    /// <c>For</c> is appended to, <c>Proto</c>/<c>Host</c> kept and <c>Prefix</c> extended. On the edge (the API,
    /// facing browsers) leave it false, so a client cannot claim another address or host.
    /// </summary>
    public bool TrustForwardedHeaders { get; init; }

    /// <summary>
    /// Last change to the outgoing request before it is sent: strip our own cookies, credentials and
    /// <c>token</c> query parameter, add the next hop's credentials (see <see cref="RequestTransforms"/>).
    /// </summary>
    public Action<HttpContext, HttpRequestMessage>? Transform { get; init; }
}
