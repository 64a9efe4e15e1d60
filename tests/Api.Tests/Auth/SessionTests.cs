using System.Net;
using System.Text.Json;
using Alba;
using ZeroLagHub.Api.Auth;

namespace ZeroLagHub.Api.Tests.Auth;

/// <summary>Logout and password changes end sessions: refresh tokens and the access tokens already issued.</summary>
public sealed class SessionTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private IAlbaHost Host => api.Host;

    [Fact]
    public async Task LogoutWithoutABodyEndsTheSessionsAccessAndRefreshTokens()
    {
        var (session, _) = await NewSessionAsync();
        await Host.GetMeAsync(session.AccessToken, HttpStatusCode.OK);

        await Host.PostWithTokenAsync("/api/auth/logout", session.AccessToken, null, HttpStatusCode.NoContent);

        var refused = await Host.GetMeAsync(session.AccessToken, HttpStatusCode.Unauthorized);
        Assert.Contains("invalid_token", refused.Context.Response.Headers.WWWAuthenticate.ToString());
        await Host.PostRefreshAsync(session.RefreshToken, HttpStatusCode.Unauthorized);
        // The ended session is listed until its last possible access token has expired (15 min + 30 s skew).
        var listedFor = await api.Database.ScalarAsync(
            "SELECT extract(epoch FROM expires_at - revoked_at)::int FROM zlh.revoked_sessions ORDER BY revoked_at DESC LIMIT 1");
        Assert.Equal(930, listedFor);
    }

    [Fact]
    public async Task LogoutWithAnEmptyObjectOrTheRefreshTokenWorksAndEndsOnlyThatSession()
    {
        var (first, name) = await NewSessionAsync();
        var second = await Host.LoginAsync(name);
        var third = await Host.LoginAsync(name);

        await Host.PostWithTokenAsync("/api/auth/logout", first.AccessToken, new { }, HttpStatusCode.NoContent);
        await Host.PostWithTokenAsync("/api/auth/logout", second.AccessToken, new { refreshToken = second.RefreshToken }, HttpStatusCode.NoContent);

        await Host.GetMeAsync(first.AccessToken, HttpStatusCode.Unauthorized);
        await Host.GetMeAsync(second.AccessToken, HttpStatusCode.Unauthorized);
        await Host.GetMeAsync(third.AccessToken, HttpStatusCode.OK);
        await Host.PostRefreshAsync(third.RefreshToken, HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnOverlongRefreshTokenInTheLogoutBodyIs400NamingItAndEndsNothing()
    {
        var (session, _) = await NewSessionAsync();

        var response = await Host.PostWithTokenAsync("/api/auth/logout", session.AccessToken, new { refreshToken = new string('x', 500) },
            HttpStatusCode.BadRequest);

        Assert.Equal(ScenarioSteps.ProblemJson, response.Context.Response.ContentType);
        Assert.True((await response.ReadAsJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("refreshToken", out _));
        await Host.GetMeAsync(session.AccessToken, HttpStatusCode.OK);
    }

    [Fact]
    public async Task APasswordChangeEndsEverySessionOfTheAccountAndTheNewPasswordLogsIn()
    {
        var (first, name) = await NewSessionAsync();
        var second = await Host.LoginAsync(name);
        const string newPassword = "a brand new passphrase";

        await Host.PostWithTokenAsync("/api/auth/password", first.AccessToken,
            new { currentPassword = AuthSteps.Password, newPassword }, HttpStatusCode.NoContent);

        foreach (var session in (TokenResponse[])[first, second])
        {
            await Host.GetMeAsync(session.AccessToken, HttpStatusCode.Unauthorized);
            await Host.PostRefreshAsync(session.RefreshToken, HttpStatusCode.Unauthorized);
        }
        await Host.PostLoginAsync(name, AuthSteps.Password, HttpStatusCode.Unauthorized);
        await Host.PostLoginAsync(name, newPassword, HttpStatusCode.OK);
    }

    [Fact]
    public async Task AWrongCurrentPasswordOrAWeakNewOneIs400NamingTheFieldAndChangesNothing()
    {
        var (session, name) = await NewSessionAsync();

        var wrong = await Host.PostWithTokenAsync("/api/auth/password", session.AccessToken,
            new { currentPassword = "not the password", newPassword = "a brand new passphrase" }, HttpStatusCode.BadRequest);
        var weak = await Host.PostWithTokenAsync("/api/auth/password", session.AccessToken,
            new { currentPassword = AuthSteps.Password, newPassword = "short" }, HttpStatusCode.BadRequest);

        Assert.True((await wrong.ReadAsJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("currentPassword", out _));
        Assert.True((await weak.ReadAsJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("newPassword", out _));
        await Host.GetMeAsync(session.AccessToken, HttpStatusCode.OK);
        await Host.PostLoginAsync(name, AuthSteps.Password, HttpStatusCode.OK);
    }

    private async Task<(TokenResponse Session, string Username)> NewSessionAsync()
    {
        var name = AuthSteps.NewUsername();
        await Host.RegisterAsync(name);
        return (await Host.LoginAsync(name), name);
    }
}
