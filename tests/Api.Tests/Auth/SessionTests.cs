using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ZeroLagHub.Api.Auth;

namespace ZeroLagHub.Api.Tests.Auth;

/// <summary>Logout and password changes end sessions: refresh tokens and the access tokens already issued.</summary>
public sealed class SessionTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task LogoutWithoutABodyEndsTheSessionsAccessAndRefreshTokens()
    {
        var (client, session, _) = await NewSessionAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetMeAsync(session.AccessToken)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostWithTokenAsync("/api/auth/logout", session.AccessToken)).StatusCode);

        var refused = await client.GetMeAsync(session.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("invalid_token", refused.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostRefreshAsync(session.RefreshToken)).StatusCode);
        // The ended session is listed until its last possible access token has expired (15 min + 30 s skew).
        var listedFor = await api.Database.ScalarAsync(
            "SELECT extract(epoch FROM expires_at - revoked_at)::int FROM zlh.revoked_sessions ORDER BY revoked_at DESC LIMIT 1");
        Assert.Equal(930, listedFor);
    }

    [Fact]
    public async Task LogoutWithAnEmptyObjectOrTheRefreshTokenWorksAndEndsOnlyThatSession()
    {
        var (client, first, name) = await NewSessionAsync();
        var second = await client.LoginAsync(name);
        var third = await client.LoginAsync(name);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostWithTokenAsync("/api/auth/logout", first.AccessToken, new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent,
            (await client.PostWithTokenAsync("/api/auth/logout", second.AccessToken, new { refreshToken = second.RefreshToken })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetMeAsync(first.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetMeAsync(second.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetMeAsync(third.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostRefreshAsync(third.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task AnOverlongRefreshTokenInTheLogoutBodyIs400NamingItAndEndsNothing()
    {
        var (client, session, _) = await NewSessionAsync();

        var response = await client.PostWithTokenAsync("/api/auth/logout", session.AccessToken, new { refreshToken = new string('x', 500) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("refreshToken", out _));
        Assert.Equal(HttpStatusCode.OK, (await client.GetMeAsync(session.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task APasswordChangeEndsEverySessionOfTheAccountAndTheNewPasswordLogsIn()
    {
        var (client, first, name) = await NewSessionAsync();
        var second = await client.LoginAsync(name);
        const string newPassword = "a brand new passphrase";

        var changed = await client.PostWithTokenAsync("/api/auth/password", first.AccessToken,
            new { currentPassword = AuthSteps.Password, newPassword });

        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        foreach (var session in (TokenResponse[])[first, second])
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetMeAsync(session.AccessToken)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostRefreshAsync(session.RefreshToken)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostLoginAsync(name, AuthSteps.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync(name, newPassword)).StatusCode);
    }

    [Fact]
    public async Task AWrongCurrentPasswordOrAWeakNewOneIs400NamingTheFieldAndChangesNothing()
    {
        var (client, session, name) = await NewSessionAsync();

        var wrong = await client.PostWithTokenAsync("/api/auth/password", session.AccessToken,
            new { currentPassword = "not the password", newPassword = "a brand new passphrase" });
        var weak = await client.PostWithTokenAsync("/api/auth/password", session.AccessToken,
            new { currentPassword = AuthSteps.Password, newPassword = "short" });

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.True((await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("currentPassword", out _));
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.True((await weak.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("newPassword", out _));
        Assert.Equal(HttpStatusCode.OK, (await client.GetMeAsync(session.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync(name, AuthSteps.Password)).StatusCode);
    }

    private async Task<(HttpClient Client, TokenResponse Session, string Username)> NewSessionAsync()
    {
        var client = api.CreateClient();
        var name = AuthSteps.NewUsername();
        await client.RegisterAsync(name);
        return (client, await client.LoginAsync(name), name);
    }
}
