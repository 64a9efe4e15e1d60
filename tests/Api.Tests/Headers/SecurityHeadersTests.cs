using System.Net;
using System.Net.Http.Json;
using ZeroLagHub.Api.Tests.Auth;

namespace ZeroLagHub.Api.Tests.Headers;

/// <summary>The headers every answer carries, the IDE's variant, and no-store on the answers that hold tokens.</summary>
public sealed class SecurityHeadersTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData("/api/auth/me")]                // 401 from authentication
    [InlineData("/api/nothing-here")]           // no such route
    [InlineData("/health")]                     // an anonymous 200
    public async Task EveryAnswerForbidsSniffingFramingAndReferrers(string path)
    {
        var response = await api.CreateClient().GetAsync(path);

        AssertApiHeaders(response);
    }

    [Fact]
    public async Task ErrorsAndTokenlessAnswersAreNotNoStoreButTokenAnswersAre()
    {
        var client = api.CreateClient();
        var name = AuthSteps.NewUsername();
        var registered = await client.PostAsJsonAsync("/api/auth/register", new { username = name, password = AuthSteps.Password });
        Assert.False(registered.Headers.CacheControl?.NoStore ?? false);

        var login = await client.PostLoginAsync(name, AuthSteps.Password);
        var tokens = (await login.Content.ReadFromJsonAsync<ZeroLagHub.Api.Auth.TokenResponse>())!;
        var refresh = await client.PostRefreshAsync(tokens.RefreshToken);
        using var user = api.CreateClientAs(Guid.NewGuid());
        var streamToken = await user.PostAsync("/api/servers/status/stream-token", null);
        // Whatever these answer (no such container here), they are the token endpoints: never cached.
        var consoleToken = await user.PostAsync($"/api/servers/{Guid.NewGuid()}/console-token", null);
        var ideToken = await user.PostAsync($"/api/dev/{Guid.NewGuid()}/ide-token", null);

        foreach (var response in (HttpResponseMessage[])[login, refresh, streamToken, consoleToken, ideToken])
        {
            Assert.True(response.Headers.CacheControl?.NoStore, $"{response.RequestMessage!.RequestUri} has no Cache-Control: no-store");
            AssertApiHeaders(response);
        }
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, streamToken.StatusCode);
    }

    [Fact]
    public async Task TheIdeMayFrameItselfAndNothingElseMayFrameIt()
    {
        var response = await api.CreateClient().GetAsync($"/api/dev/{Guid.NewGuid()}/ide/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("SAMEORIGIN", Single(response, "X-Frame-Options"));
        Assert.Equal("frame-ancestors 'self'", Single(response, "Content-Security-Policy"));
        Assert.Equal("strict-origin", Single(response, "Referrer-Policy"));
    }

    private static void AssertApiHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
        Assert.Equal("frame-ancestors 'none'", Single(response, "Content-Security-Policy"));
        Assert.Equal("no-referrer", Single(response, "Referrer-Policy"));
        Assert.False(response.Headers.Contains("Server"));
    }

    private static string Single(HttpResponseMessage response, string name) =>
        Assert.Single(response.Headers.TryGetValues(name, out var values) ? values : response.Content.Headers.TryGetValues(name, out var content) ? content : []);
}
