using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace ZeroLagHub.Forwarding;

/// <summary>Building the outgoing request and copying headers both ways without the hop-by-hop ones.</summary>
internal static class RequestUtilities
{
    // RFC 9110 §7.6.1 connection-specific fields, plus Proxy-* (credentials for *our* hop).
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Connection, HeaderNames.KeepAlive, HeaderNames.TE, HeaderNames.Trailer, HeaderNames.TransferEncoding,
        HeaderNames.Upgrade, HeaderNames.ProxyAuthenticate, HeaderNames.ProxyAuthorization, "Proxy-Connection",
    };

    // Request headers set by SetForwardedHeaders and CopyRequestHeaders themselves, never copied as received.
    private static readonly HashSet<string> Replaced = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Host, "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix",
    };

    public static Uri DestinationUri(ForwardRequest target, QueryString query)
    {
        var b = target.Destination;
        var origin = target.UnixSocket is { } socket ? $"http://{ForwarderClient.UnixSocketAuthority(socket)}" : $"{b.Scheme}://{b.Authority}";
        // Path and query are already escaped (ToUriComponent), so the Uri is built from a string, not UriBuilder (which would escape again).
        return new Uri($"{origin}{target.Path.ToUriComponent()}{query.ToUriComponent()}");
    }

    public static void CopyRequestHeaders(HttpContext context, HttpRequestMessage request)
    {
        var headers = context.Request.Headers;
        var named = NamedByConnection(headers.Connection);
        foreach (var (name, values) in headers)
        {
            // HTTP/2 pseudo-headers (":protocol" for extended CONNECT) are not headers of the next request.
            if (name.Length == 0 || name[0] == ':' || HopByHop.Contains(name) || Replaced.Contains(name) || named?.Contains(name) == true) continue;
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        // The public host stays visible: code-server compares a WebSocket's Origin with it.
        request.Headers.Host = context.Request.Host.Value;
    }

    public static void SetForwardedHeaders(HttpContext context, HttpRequestMessage request, ForwardRequest target)
    {
        var incoming = context.Request.Headers;
        var trusted = target.TrustForwardedHeaders;
        var remote = context.Connection.RemoteIpAddress?.ToString();
        var forwardedFor = trusted ? incoming["X-Forwarded-For"].ToString() : "";
        if (remote is not null) forwardedFor = forwardedFor.Length > 0 ? $"{forwardedFor}, {remote}" : remote;
        if (forwardedFor.Length > 0) request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);

        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", Trusted(incoming, "X-Forwarded-Proto", trusted) ?? context.Request.Scheme);
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", Trusted(incoming, "X-Forwarded-Host", trusted) ?? context.Request.Host.Value);
        var prefix = (Trusted(incoming, "X-Forwarded-Prefix", trusted) ?? "").TrimEnd('/') + target.StrippedPrefix.ToUriComponent();
        if (prefix.Length > 0) request.Headers.TryAddWithoutValidation("X-Forwarded-Prefix", prefix);
    }

    /// <summary>Status and headers of the next hop's response, minus hop-by-hop ones (Kestrel frames the body itself).</summary>
    public static void CopyResponseHeaders(HttpResponseMessage source, HttpResponse destination, bool dropWebSocketAccept)
    {
        destination.StatusCode = (int)source.StatusCode;
        var named = source.Headers.Connection.Count > 0 ? new HashSet<string>(source.Headers.Connection, StringComparer.OrdinalIgnoreCase) : null;
        Copy(source.Headers.NonValidated, destination.Headers, named, dropWebSocketAccept);
        Copy(source.Content.Headers.NonValidated, destination.Headers, named, dropWebSocketAccept);
    }

    private static void Copy(HttpHeadersNonValidated from, IHeaderDictionary to, HashSet<string>? named, bool dropWebSocketAccept)
    {
        foreach (var (name, values) in from)
        {
            if (HopByHop.Contains(name) || named?.Contains(name) == true) continue;
            // An HTTP/2 WebSocket answers 200 without the HTTP/1.1 handshake's accept hash.
            if (dropWebSocketAccept && name.Equals(HeaderNames.SecWebSocketAccept, StringComparison.OrdinalIgnoreCase)) continue;
            to[name] = values.Count == 1 ? new StringValues(values.ToString()) : new StringValues([.. values]);
        }
    }

    private static string? Trusted(IHeaderDictionary headers, string name, bool trusted) =>
        trusted && headers.TryGetValue(name, out var value) && !StringValues.IsNullOrEmpty(value) ? value.ToString() : null;

    private static HashSet<string>? NamedByConnection(StringValues connection)
    {
        if (StringValues.IsNullOrEmpty(connection)) return null;
        var named = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in connection)
            foreach (var token in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                named.Add(token);
        return named;
    }
}
