using System.Net;
using System.Net.Http.Json;
using ZeroLagHub.Api.Auth;

namespace ZeroLagHub.Api.Tests.Auth;

/// <summary>Lifetimes and lockouts, with the host's clock moved forward instead of sleeping. Own class: it shifts the clock.</summary>
public sealed class TimeTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task FiveFailuresLockTheAccountWith429ThenItRecoversWhenTheWindowPasses()
    {
        var client = api.CreateClient();
        var name = AuthSteps.NewUsername();
        await client.RegisterAsync(name);
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostLoginAsync(name, "wrong password " + i)).StatusCode);

        // Even the right password is refused from the address that failed (others get in: LockoutTests).
        var locked = await client.PostLoginAsync(name, AuthSteps.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Equal("application/problem+json", locked.Content.Headers.ContentType?.MediaType);
        var retryAfter = locked.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));

        // An unknown name is locked out the same way (no hint which names exist).
        var ghost = AuthSteps.NewUsername("ghost");
        for (var i = 0; i < 5; i++) await client.PostLoginAsync(ghost, "wrong password");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostLoginAsync(ghost, "wrong password")).StatusCode);

        api.Clock.Advance(retryAfter.Value + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync(name, AuthSteps.Password)).StatusCode);
    }

    [Fact]
    public async Task AParallelBurstOfGuessesGetsNoMorePasswordChecksThanTheLimit()
    {
        var client = api.CreateClient();
        var name = AuthSteps.NewUsername();
        await client.RegisterAsync(name);

        // Thirty guesses at once: all would pass a check made before the first failure is recorded.
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => client.PostLoginAsync(name, "wrong password " + i)));

        Assert.Equal(5, answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(25, answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task AnAccessTokenIsRefusedOnceItsFifteenMinutesAndTheSkewHavePassed()
    {
        var client = api.CreateClient();
        var name = AuthSteps.NewUsername();
        await client.RegisterAsync(name);
        var session = await client.LoginAsync(name);

        api.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.OK, (await client.GetMeAsync(session.AccessToken)).StatusCode);

        api.Clock.Advance(TimeSpan.FromMinutes(2));
        var expired = await client.GetMeAsync(session.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("invalid_token", expired.Headers.WwwAuthenticate.ToString());

        // The refresh token still works and gives a fresh access token.
        var refreshed = await (await client.PostRefreshAsync(session.RefreshToken)).Content.ReadFromJsonAsync<TokenResponse>();
        Assert.Equal(HttpStatusCode.OK, (await client.GetMeAsync(refreshed!.AccessToken)).StatusCode);
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
        var client = api.CreateClient();
        var name = AuthSteps.NewUsername();
        await client.RegisterAsync(name);
        // Eight different names, one failure each: no account limit is reached, the address limit is.
        for (var i = 0; i < 8; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostLoginAsync(AuthSteps.NewUsername("spray"), "guess 1234567890")).StatusCode);

        var blocked = await client.PostLoginAsync(name, AuthSteps.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.NotNull(blocked.Headers.RetryAfter);
    }

    [Fact]
    public async Task RightPasswordsDoNotUseUpTheAddressLimit()
    {
        var client = api.CreateClient();
        var name = AuthSteps.NewUsername();
        await client.RegisterAsync(name);
        for (var i = 0; i < 12; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync(name, AuthSteps.Password)).StatusCode);
    }
}
