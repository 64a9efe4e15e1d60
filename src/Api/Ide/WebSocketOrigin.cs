namespace ZeroLagHub.Api.Ide;

/// <summary>
/// Whether the page that opened a WebSocket may use the IDE's session cookie: its <c>Origin</c> names the request's
/// own host and port (the IDE's origin, in path or host mode, whatever scheme a TLS proxy in front turned it into),
/// or one of <see cref="IdeOptions.TrustedOrigins"/>. No Origin at all is allowed: browsers always send one on a
/// WebSocket, so its absence means a client that is not a browser, which holds the cookie only if it was given it.
/// </summary>
public static class WebSocketOrigin
{
    public static bool IsAllowed(HttpRequest request, IReadOnlyCollection<string> trusted)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return true;
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return false;
        if (trusted.Any(t => Uri.TryCreate(t, UriKind.Absolute, out var allowed) && SameOrigin(allowed, uri))) return true;
        var host = request.Host;
        return host.HasValue
            && string.Equals(host.Host, uri.Host, StringComparison.OrdinalIgnoreCase)
            && (host.Port ?? uri.Port) == uri.Port;
    }

    /// <summary>For logs: the header is the caller's input.</summary>
    public static string Shorten(string origin) => origin.Length > 100 ? origin[..100] + "…" : origin;

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}
