using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ZeroLagHub.Api.Auth;

namespace ZeroLagHub.Api.Tests.Auth;

/// <summary>Register / log in through the HTTP API, as a client would.</summary>
internal static class AuthSteps
{
    public const string Password = "correct horse battery";

    public static string NewUsername(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}"[..24];

    public static async Task<UserResponse> RegisterAsync(this HttpClient client, string username, string password = Password)
    {
        var response = await client.PostAsJsonAsync("/api/auth/register", new { username, password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<UserResponse>())!;
    }

    public static Task<HttpResponseMessage> PostLoginAsync(this HttpClient client, string username, string password) =>
        client.PostAsJsonAsync("/api/auth/login", new { username, password });

    public static async Task<TokenResponse> LoginAsync(this HttpClient client, string username, string password = Password)
    {
        var response = await client.PostLoginAsync(username, password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
    }

    public static Task<HttpResponseMessage> PostRefreshAsync(this HttpClient client, string refreshToken) =>
        client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken });

    public static async Task<HttpResponseMessage> GetMeAsync(this HttpClient client, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await client.SendAsync(request);
    }

    /// <summary>POST as the holder of <paramref name="accessToken"/>, with <paramref name="body"/> as JSON or no body at all.</summary>
    public static async Task<HttpResponseMessage> PostWithTokenAsync(this HttpClient client, string path, string accessToken, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await client.SendAsync(request);
    }

    /// <summary>
    /// POST JSON as if from the client address <paramref name="from"/> (a host with <see cref="ClientAddressHeader"/>
    /// takes it from a header): the status and the Retry-After header.
    /// </summary>
    public static async Task<(int Status, string RetryAfter)> PostFromAsync(this HttpClient client, IPAddress from, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add(ClientAddressHeader.Name, from.ToString());
        var response = await client.SendAsync(request);
        return ((int)response.StatusCode, response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "");
    }

    public static async Task<string> ProblemContentTypeAsync(HttpResponseMessage response)
    {
        await response.Content.LoadIntoBufferAsync();
        return response.Content.Headers.ContentType?.MediaType ?? "";
    }
}
