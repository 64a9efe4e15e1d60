using System.Net;
using Alba;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Tests.Auth;

namespace ZeroLagHub.Api.Tests.Headers;

/// <summary>The headers every answer carries, the IDE's variant, and no-store on the answers that hold tokens.</summary>
public sealed class SecurityHeadersTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData("/api/auth/me", HttpStatusCode.Unauthorized)]     // 401 from authentication
    [InlineData("/api/nothing-here", HttpStatusCode.Unauthorized)] // no such route (and no token)
    [InlineData("/health", HttpStatusCode.OK)]                    // an anonymous 200
    public async Task EveryAnswerForbidsSniffingFramingAndReferrers(string path, HttpStatusCode status)
    {
        await api.Scenario(x =>
        {
            x.Get.Url(path);
            x.StatusCodeShouldBe(status);
            ApiHeadersShouldBeWritten(x);
        });
    }

    [Fact]
    public async Task ErrorsAndTokenlessAnswersAreNotNoStoreButTokenAnswersAre()
    {
        var name = AuthSteps.NewUsername();
        var registered = await api.Scenario(x =>
        {
            x.Post.Json(new { username = name, password = AuthSteps.Password }).ToUrl("/api/auth/register");
            x.StatusCodeShouldBe(HttpStatusCode.Created);
        });
        Assert.False(NoStore(registered));

        var login = await api.Scenario(x =>
        {
            x.Post.Json(new { username = name, password = AuthSteps.Password }).ToUrl("/api/auth/login");
            ApiHeadersShouldBeWritten(x);
        });
        var tokens = await login.ReadAsJsonAsync<TokenResponse>();
        var refresh = await api.Scenario(x =>
        {
            x.Post.Json(new { refreshToken = tokens.RefreshToken }).ToUrl("/api/auth/refresh");
            x.IgnoreStatusCode();
            ApiHeadersShouldBeWritten(x);
        });
        var user = Guid.NewGuid();
        var streamToken = await api.ScenarioAs(user, x =>
        {
            x.Post.Url("/api/servers/status/stream-token");
            ApiHeadersShouldBeWritten(x);
        });
        // Whatever these answer (no such container here), they are the token endpoints: never cached.
        var consoleToken = await api.ScenarioAs(user, x =>
        {
            x.Post.Url($"/api/servers/{Guid.NewGuid()}/console-token");
            x.IgnoreStatusCode();
            ApiHeadersShouldBeWritten(x);
        });
        var ideToken = await api.ScenarioAs(user, x =>
        {
            x.Post.Url($"/api/dev/{Guid.NewGuid()}/ide-token");
            x.IgnoreStatusCode();
            ApiHeadersShouldBeWritten(x);
        });

        foreach (var response in (IScenarioResult[])[login, refresh, streamToken, consoleToken, ideToken])
            Assert.True(NoStore(response), $"{response.Context.Request.Path} has no Cache-Control: no-store");
    }

    [Fact]
    public async Task TheIdeMayFrameItselfAndNothingElseMayFrameIt()
    {
        await api.Scenario(x =>
        {
            x.Get.Url($"/api/dev/{Guid.NewGuid()}/ide/");
            x.StatusCodeShouldBe(HttpStatusCode.Unauthorized);
            x.Header("X-Content-Type-Options").SingleValueShouldEqual("nosniff");
            x.Header("X-Frame-Options").SingleValueShouldEqual("SAMEORIGIN");
            x.Header("Content-Security-Policy").SingleValueShouldEqual("frame-ancestors 'self'");
            x.Header("Referrer-Policy").SingleValueShouldEqual("strict-origin");
        });
    }

    private static void ApiHeadersShouldBeWritten(Scenario x)
    {
        x.Header("X-Content-Type-Options").SingleValueShouldEqual("nosniff");
        x.Header("X-Frame-Options").SingleValueShouldEqual("DENY");
        x.Header("Content-Security-Policy").SingleValueShouldEqual("frame-ancestors 'none'");
        x.Header("Referrer-Policy").SingleValueShouldEqual("no-referrer");
        x.Header("Server").ShouldNotBeWritten();
    }

    private static bool NoStore(IScenarioResult response) =>
        response.Context.Response.Headers.CacheControl.Any(v => v?.Contains("no-store", StringComparison.OrdinalIgnoreCase) == true);
}
