using System.Net.Http.Headers;

namespace ZeroLagHub.Api.Tests.Ide;

/// <summary>What a browser does with the IDE, as test steps (cookies handled by hand so tests can see them).</summary>
internal static class IdeSteps
{
    public static string IdePath(Guid container) => $"/api/dev/{container}/ide/";

    /// <summary>The <c>zlh_ide</c> Set-Cookie header of a response, or null.</summary>
    public static string? SessionSetCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.FirstOrDefault(v => v.StartsWith("zlh_ide=", StringComparison.Ordinal)) : null;

    /// <summary>Opens the IDE with <c>?token=</c> the way a browser navigates, and returns the session cookie it got.</summary>
    public static async Task<string> OpenWithTokenAsync(this HttpClient client, Guid container, string token)
    {
        var response = await client.GetAsync(IdePath(container) + "?token=" + Uri.EscapeDataString(token));
        Assert.Equal(System.Net.HttpStatusCode.Found, response.StatusCode);
        var setCookie = SessionSetCookie(response) ?? throw new InvalidOperationException("no session cookie");
        return setCookie.Split(';')[0];
    }

    public static Task<HttpResponseMessage> GetWithCookieAsync(this HttpClient client, string path, string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> GetWithBearerAsync(this HttpClient client, string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }
}
