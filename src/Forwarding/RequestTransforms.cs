using System.Net.Http.Headers;
using Microsoft.Net.Http.Headers;

namespace ZeroLagHub.Forwarding;

/// <summary>Building blocks for <see cref="ForwardRequest.Transform"/>: our credentials out, the next hop's in.</summary>
public static class RequestTransforms
{
    /// <summary>Replaces whatever <c>Authorization</c> the client sent with the next hop's bearer token.</summary>
    public static void SetBearer(HttpRequestMessage request, string token) =>
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

    public static void RemoveAuthorization(HttpRequestMessage request) => request.Headers.Authorization = null;

    /// <summary>Drops the named cookies from the <c>Cookie</c> header, keeping the rest (the next hop's own cookies).</summary>
    public static void RemoveCookies(HttpRequestMessage request, params string[] names)
    {
        if (!request.Headers.TryGetValues(HeaderNames.Cookie, out var values)) return;
        var kept = new List<string>();
        foreach (var header in values)
            foreach (var pair in header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var name = pair.Split('=', 2)[0].Trim();
                if (!names.Contains(name, StringComparer.Ordinal)) kept.Add(pair);
            }
        request.Headers.Remove(HeaderNames.Cookie);
        if (kept.Count > 0) request.Headers.TryAddWithoutValidation(HeaderNames.Cookie, string.Join("; ", kept));
    }

    /// <summary>Drops a query parameter (e.g. <c>token</c>) from the outgoing URL; the others keep their order and encoding.</summary>
    public static void RemoveQueryParameter(HttpRequestMessage request, string name)
    {
        var uri = request.RequestUri!;
        if (uri.Query.Length <= 1) return;
        var kept = uri.Query[1..].Split('&').Where(p => !Uri.UnescapeDataString(p.Split('=', 2)[0].Replace('+', ' ')).Equals(name, StringComparison.Ordinal));
        var query = string.Join('&', kept);
        request.RequestUri = new Uri(uri.GetLeftPart(UriPartial.Path) + (query.Length > 0 ? "?" + query : ""));
    }
}
