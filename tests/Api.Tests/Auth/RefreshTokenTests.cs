using System.Net;
using Alba;
using ZeroLagHub.Api.Auth;

namespace ZeroLagHub.Api.Tests.Auth;

public sealed class RefreshTokenTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private IAlbaHost Host => api.Host;

    [Fact]
    public async Task RefreshRotatesAndTheOldTokenIsConsumed()
    {
        var first = await NewSessionAsync();

        var second = await (await Host.PostRefreshAsync(first.RefreshToken, HttpStatusCode.OK)).ReadAsJsonAsync<TokenResponse>();
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        await Host.GetMeAsync(second.AccessToken, HttpStatusCode.OK);

        // The successor keeps rotating.
        await Host.PostRefreshAsync(second.RefreshToken, HttpStatusCode.OK);
    }

    [Fact]
    public async Task ReusingAConsumedRefreshTokenRevokesTheWholeFamilyAndItsAccessTokens()
    {
        var (first, name) = await NewNamedSessionAsync();
        var second = await (await Host.PostRefreshAsync(first.RefreshToken, HttpStatusCode.OK)).ReadAsJsonAsync<TokenResponse>();

        var replay = await Host.PostRefreshAsync(first.RefreshToken, HttpStatusCode.Unauthorized);
        Assert.Equal(ScenarioSteps.ProblemJson, replay.Context.Response.ContentType);

        // The live successor, held by whoever refreshed first, is dead too.
        await Host.PostRefreshAsync(second.RefreshToken, HttpStatusCode.Unauthorized);
        // The session's access tokens end with it, on the spot (not when their 15 minutes are up).
        await Host.GetMeAsync(first.AccessToken, HttpStatusCode.Unauthorized);
        await Host.GetMeAsync(second.AccessToken, HttpStatusCode.Unauthorized);
        // Other sessions of the same account are untouched.
        var other = await Host.LoginAsync(name);
        await Host.PostRefreshAsync(other.RefreshToken, HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnUnknownRefreshTokenIs401AndAMissingOneIs400()
    {
        await Host.PostRefreshAsync("made-up-token", HttpStatusCode.Unauthorized);
        await api.Scenario(x =>
        {
            x.Post.Json(new { }).ToUrl("/api/auth/refresh");
            x.ProblemShouldBe(HttpStatusCode.BadRequest);
        });
    }

    [Fact]
    public async Task LogoutRevokesTheRefreshToken()
    {
        var session = await NewSessionAsync();
        await Host.PostWithTokenAsync("/api/auth/logout", session.AccessToken, new { refreshToken = session.RefreshToken }, HttpStatusCode.NoContent);

        await Host.PostRefreshAsync(session.RefreshToken, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task SomeoneElsesRefreshTokenIsNotRevokedByMyLogout()
    {
        var mine = await NewSessionAsync();
        var theirs = await NewSessionAsync();
        await Host.PostWithTokenAsync("/api/auth/logout", mine.AccessToken, new { refreshToken = theirs.RefreshToken }, HttpStatusCode.NoContent);

        await Host.PostRefreshAsync(theirs.RefreshToken, HttpStatusCode.OK);
    }

    [Fact]
    public async Task RefreshTokensAreStoredOnlyAsHashes()
    {
        var session = await NewSessionAsync();
        var clear = await api.Database.ScalarAsync(
            $"SELECT count(*) FROM zlh.refresh_tokens WHERE encode(token_hash, 'escape') LIKE '%{session.RefreshToken}%'");
        Assert.Equal(0L, clear);
        var hashed = await api.Database.ScalarAsync(
            $"SELECT count(*) FROM zlh.refresh_tokens WHERE token_hash = sha256(convert_to('{session.RefreshToken}', 'UTF8'))");
        Assert.Equal(1L, hashed);
    }

    private async Task<TokenResponse> NewSessionAsync() => (await NewNamedSessionAsync()).Session;

    private async Task<(TokenResponse Session, string Username)> NewNamedSessionAsync()
    {
        var name = AuthSteps.NewUsername();
        await Host.RegisterAsync(name);
        return (await Host.LoginAsync(name), name);
    }
}
