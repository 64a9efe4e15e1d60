using System.Net;
using Alba;
using ZeroLagHub.Api.Auth;

namespace ZeroLagHub.Api.Tests.Auth;

/// <summary>Lifetimes and lockouts, with the host's clock moved forward instead of sleeping. Own class: it shifts the clock.</summary>
public sealed class TimeTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task FiveFailuresLockTheAccountWith429ThenItRecoversWhenTheWindowPasses()
    {
        var name = AuthSteps.NewUsername();
        await api.Host.RegisterAsync(name);
        for (var i = 0; i < 5; i++)
            await api.Host.PostLoginAsync(name, "wrong password " + i, HttpStatusCode.Unauthorized);

        // Even the right password is refused from the address that failed (others get in: LockoutTests).
        var locked = await api.Host.PostLoginAsync(name, AuthSteps.Password, HttpStatusCode.TooManyRequests);
        Assert.Equal(ScenarioSteps.ProblemJson, locked.Context.Response.ContentType);
        var retryAfter = TimeSpan.FromSeconds(int.Parse(locked.Context.Response.Headers.RetryAfter.ToString()));
        Assert.InRange(retryAfter, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));

        // An unknown name is locked out the same way (no hint which names exist).
        var ghost = AuthSteps.NewUsername("ghost");
        for (var i = 0; i < 5; i++) await api.Host.PostLoginAsync(ghost, "wrong password", null);
        await api.Host.PostLoginAsync(ghost, "wrong password", HttpStatusCode.TooManyRequests);

        api.Clock.Advance(retryAfter + TimeSpan.FromSeconds(1));
        await api.Host.PostLoginAsync(name, AuthSteps.Password, HttpStatusCode.OK);
    }

    [Fact]
    public async Task AParallelBurstOfGuessesGetsNoMorePasswordChecksThanTheLimit()
    {
        var name = AuthSteps.NewUsername();
        await api.Host.RegisterAsync(name);

        // Thirty guesses at once: all would pass a check made before the first failure is recorded.
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => api.Host.PostLoginAsync(name, "wrong password " + i, null)));

        Assert.Equal(5, answers.Count(a => a.Status() == HttpStatusCode.Unauthorized));
        Assert.Equal(25, answers.Count(a => a.Status() == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task AnAccessTokenIsRefusedOnceItsFifteenMinutesAndTheSkewHavePassed()
    {
        var name = AuthSteps.NewUsername();
        await api.Host.RegisterAsync(name);
        var session = await api.Host.LoginAsync(name);

        api.Clock.Advance(TimeSpan.FromMinutes(14));
        await api.Host.GetMeAsync(session.AccessToken, HttpStatusCode.OK);

        api.Clock.Advance(TimeSpan.FromMinutes(2));
        var expired = await api.Host.GetMeAsync(session.AccessToken, HttpStatusCode.Unauthorized);
        Assert.Contains("invalid_token", expired.Context.Response.Headers.WWWAuthenticate.ToString());

        // The refresh token still works and gives a fresh access token.
        var refreshed = await (await api.Host.PostRefreshAsync(session.RefreshToken, HttpStatusCode.OK)).ReadAsJsonAsync<TokenResponse>();
        await api.Host.GetMeAsync(refreshed.AccessToken, HttpStatusCode.OK);
    }
}

/// <summary>A host whose per-address limit is low enough to reach with a handful of names.</summary>
public sealed class LowAddressLimitApi : ApiFixture
{
    public LowAddressLimitApi() => Settings["Auth:Login:MaxFailuresPerIp"] = "8";
}

public sealed class AddressLimitTests(LowAddressLimitApi api) : IClassFixture<LowAddressLimitApi>
{
    [Fact]
    public async Task ManyNamesFromOneAddressAreThrottledTogether()
    {
        var name = AuthSteps.NewUsername();
        await api.Host.RegisterAsync(name);
        // Eight different names, one failure each: no account limit is reached, the address limit is.
        for (var i = 0; i < 8; i++)
            await api.Host.PostLoginAsync(AuthSteps.NewUsername("spray"), "guess 1234567890", HttpStatusCode.Unauthorized);

        await api.Scenario(x =>
        {
            x.Post.Json(new { username = name, password = AuthSteps.Password }).ToUrl("/api/auth/login");
            x.StatusCodeShouldBe(HttpStatusCode.TooManyRequests);
            x.Header("Retry-After").ShouldHaveOneNonNullValue();
        });
    }

    [Fact]
    public async Task RightPasswordsDoNotUseUpTheAddressLimit()
    {
        var name = AuthSteps.NewUsername();
        await api.Host.RegisterAsync(name);
        for (var i = 0; i < 12; i++)
            await api.Host.PostLoginAsync(name, AuthSteps.Password, HttpStatusCode.OK);
    }
}
