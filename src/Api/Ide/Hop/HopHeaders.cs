using System.Net.Http.Headers;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace ZeroLagHub.Api.Ide.Hop;

/// <summary>What YARP's header copy leaves to us: fields a <c>Connection</c> header names, our cookie and the token parameter.</summary>
public static class HopHeaders
{
    public const string ForwardedFor = "X-Forwarded-For", ForwardedProto = "X-Forwarded-Proto", ForwardedHost = "X-Forwarded-Host",
        ForwardedPrefix = "X-Forwarded-Prefix";

    /// <summary>
    /// RFC 9110 §7.6.1: a field named by <c>Connection</c> is for this hop only. YARP drops the standard
    /// hop-by-hop fields but copies ones a client names itself.
    /// </summary>
    public static void RemoveNamedByConnection(StringValues connection, HttpHeaders outgoing)
    {
        foreach (var value in connection)
            foreach (var name in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                outgoing.Remove(name);
    }

    /// <summary>The same for a response: fields the next hop's <c>Connection</c> names are not passed back.</summary>
    public static void RemoveNamedByConnection(HttpResponseMessage from, IHeaderDictionary to)
    {
        if (!from.Headers.NonValidated.TryGetValues(HeaderNames.Connection, out var connection)) return;
        foreach (var value in connection)
            foreach (var name in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                if (!name.Equals(HeaderNames.Upgrade, StringComparison.OrdinalIgnoreCase)) to.Remove(name);
    }

    /// <summary>Drops the named cookies from the <c>Cookie</c> header, keeping the rest (the next hop's own cookies).</summary>
    public static void RemoveCookies(HttpRequestMessage request, params string[] names)
    {
        if (!request.Headers.TryGetValues(HeaderNames.Cookie, out var values)) return;
        var kept = new List<string>();
        foreach (var header in values)
            foreach (var pair in header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                if (!names.Contains(pair.Split('=', 2)[0].Trim(), StringComparer.Ordinal)) kept.Add(pair);
        request.Headers.Remove(HeaderNames.Cookie);
        if (kept.Count > 0) request.Headers.TryAddWithoutValidation(HeaderNames.Cookie, string.Join("; ", kept));
    }

    /// <summary>The query without parameter <paramref name="name"/> (e.g. <c>token</c>); the others keep their order and encoding.</summary>
    public static QueryString WithoutParameter(QueryString query, string name)
    {
        if (!query.HasValue || query.Value!.Length <= 1) return query;
        var kept = query.Value[1..].Split('&')
            .Where(p => !Uri.UnescapeDataString(p.Split('=', 2)[0].Replace('+', ' ')).Equals(name, StringComparison.Ordinal));
        var joined = string.Join('&', kept);
        return joined.Length > 0 ? new QueryString("?" + joined) : QueryString.Empty;
    }
}
