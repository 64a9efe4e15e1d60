using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ZeroLagHub.Api.Auth;

namespace ZeroLagHub.Api.Tests.Auth;

public sealed class RefreshTokenTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task RefreshRotatesAndTheOldTokenIsConsumed()
    {
        var (client, first) = await NewSessionAsync();

        var response = await client.PostRefreshAsync(first.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var second = (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, (await client.GetMeAsync(second.AccessToken)).StatusCode);

        // The successor keeps rotating.
        Assert.Equal(HttpStatusCode.OK, (await client.PostRefreshAsync(second.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task ReusingAConsumedRefreshTokenRevokesTheWholeFamilyAndItsAccessTokens()
    {
        var (client, first, name) = await NewNamedSessionAsync();
        var second = (await (await client.PostRefreshAsync(first.RefreshToken)).Content.ReadFromJsonAsync<TokenResponse>())!;

        var replay = await client.PostRefreshAsync(first.RefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal("application/problem+json", replay.Content.Headers.ContentType?.MediaType);

        // The live successor, held by whoever refreshed first, is dead too.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostRefreshAsync(second.RefreshToken)).StatusCode);
        // The session's access tokens end with it, on the spot (not when their 15 minutes are up).
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetMeAsync(first.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetMeAsync(second.AccessToken)).StatusCode);
        // Other sessions of the same account are untouched.
        var other = await client.LoginAsync(name);
        Assert.Equal(HttpStatusCode.OK, (await client.PostRefreshAsync(other.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task AnUnknownRefreshTokenIs401AndAMissingOneIs400()
    {
        var client = api.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostRefreshAsync("made-up-token")).StatusCode);
        var missing = await client.PostAsJsonAsync("/api/auth/refresh", new { });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task LogoutRevokesTheRefreshToken()
    {
        var (client, session) = await NewSessionAsync();
        using var logout = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout")
            { Content = JsonContent.Create(new { refreshToken = session.RefreshToken }) };
        logout.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(logout)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostRefreshAsync(session.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task SomeoneElsesRefreshTokenIsNotRevokedByMyLogout()
    {
        var (client, mine) = await NewSessionAsync();
        var (_, theirs) = await NewSessionAsync();
        using var logout = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout")
            { Content = JsonContent.Create(new { refreshToken = theirs.RefreshToken }) };
        logout.Headers.Authorization = new AuthenticationHeaderValue("Bearer", mine.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(logout)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.PostRefreshAsync(theirs.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task RefreshTokensAreStoredOnlyAsHashes()
    {
        var (_, session) = await NewSessionAsync();
        var clear = await api.Database.ScalarAsync(
            $"SELECT count(*) FROM zlh.refresh_tokens WHERE encode(token_hash, 'escape') LIKE '%{session.RefreshToken}%'");
        Assert.Equal(0L, clear);
        var hashed = await api.Database.ScalarAsync(
            $"SELECT count(*) FROM zlh.refresh_tokens WHERE token_hash = sha256(convert_to('{session.RefreshToken}', 'UTF8'))");
        Assert.Equal(1L, hashed);
    }

    private async Task<(HttpClient Client, TokenResponse Session)> NewSessionAsync()
    {
        var (client, session, _) = await NewNamedSessionAsync();
        return (client, session);
    }

    private async Task<(HttpClient Client, TokenResponse Session, string Username)> NewNamedSessionAsync()
    {
        var client = api.CreateClient();
        var name = AuthSteps.NewUsername();
        await client.RegisterAsync(name);
        return (client, await client.LoginAsync(name), name);
    }
}
