using System.Net;
using System.Net.Http.Json;
using Alba;
using Microsoft.AspNetCore.Http.Features;
using ZeroLagHub.Api.Auth;

namespace ZeroLagHub.Api.Tests.Auth;

/// <summary>Register / log in through the HTTP API, as a client would: Alba scenarios, each expecting its status.</summary>
internal static class AuthSteps
{
    public const string Password = "correct horse battery";

    public static string NewUsername(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}"[..24];

    public static async Task<UserResponse> RegisterAsync(this IAlbaHost host, string username, string password = Password)
    {
        var response = await host.Scenario(x =>
        {
            x.Post.Json(new { username, password }).ToUrl("/api/auth/register");
            x.StatusCodeShouldBe(HttpStatusCode.Created);
        });
        return await response.ReadAsJsonAsync<UserResponse>();
    }

    public static async Task<TokenResponse> LoginAsync(this IAlbaHost host, string username, string password = Password) =>
        await (await host.PostLoginAsync(username, password, HttpStatusCode.OK)).ReadAsJsonAsync<TokenResponse>();

    /// <summary>POST /api/auth/login, expecting <paramref name="status"/> (null: any).</summary>
    public static Task<IScenarioResult> PostLoginAsync(this IAlbaHost host, string username, string password, HttpStatusCode? status) =>
        host.Send(x => x.Post.Json(new { username, password }).ToUrl("/api/auth/login"), status);

    public static Task<IScenarioResult> PostRefreshAsync(this IAlbaHost host, string refreshToken, HttpStatusCode? status) =>
        host.Send(x => x.Post.Json(new { refreshToken }).ToUrl("/api/auth/refresh"), status);

    public static Task<IScenarioResult> GetMeAsync(this IAlbaHost host, string accessToken, HttpStatusCode? status) =>
        host.Send(x =>
        {
            x.Get.Url("/api/auth/me");
            x.WithBearerToken(accessToken);
        }, status);

    /// <summary>POST as the holder of <paramref name="accessToken"/>, with <paramref name="body"/> as JSON or no body at all.</summary>
    public static Task<IScenarioResult> PostWithTokenAsync(this IAlbaHost host, string path, string accessToken, object? body, HttpStatusCode? status) =>
        host.Send(x =>
        {
            if (body is null)
            {
                // No body, as a client sends none (Content-Length: 0, which Kestrel reads as "no body"): the in-memory
                // request says it may have one, and routing refuses a body without a JSON content type (415).
                x.Post.Url(path);
                x.ConfigureHttpContext(c => c.Features.Set<IHttpRequestBodyDetectionFeature>(new NoBody()));
            }
            else x.Post.Json(body).ToUrl(path);
            x.WithBearerToken(accessToken);
        }, status);

    /// <summary>
    /// POST JSON as if from the client address <paramref name="from"/> (the in-memory server gives its requests none),
    /// expecting <paramref name="status"/> (null: any): the Retry-After header's seconds, or "".
    /// </summary>
    public static async Task<string> PostFromAsync(this IAlbaHost host, IPAddress from, string path, object body, HttpStatusCode? status)
    {
        var response = await host.Send(x =>
        {
            x.Post.Json(body).ToUrl(path);
            x.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = from);
        }, status);
        return response.Context.Response.Headers.RetryAfter.ToString();
    }

    /// <summary>The status a scenario was answered with.</summary>
    public static HttpStatusCode Status(this IScenarioResult response) => (HttpStatusCode)response.Context.Response.StatusCode;

    private static Task<IScenarioResult> Send(this IAlbaHost host, Action<Scenario> request, HttpStatusCode? status) =>
        host.Scenario(x =>
        {
            request(x);
            if (status is { } expected) x.StatusCodeShouldBe(expected);
            else x.IgnoreStatusCode();
        });

    /// <summary>Over a real socket (the IDE's tests run on Kestrel): log in, expecting 200.</summary>
    public static async Task<TokenResponse> LoginAsync(this HttpClient client, string username, string password = Password)
    {
        var response = await client.PostAsJsonAsync("/api/auth/login", new { username, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
    }

    private sealed class NoBody : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => false;
    }
}
