using System.Net;
using System.Text.Json;
using Alba;
using ZeroLagHub.Api.Auth;

namespace ZeroLagHub.Api.Tests.Auth;

public sealed class AccountsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task RegisteredUserLogsInAndMeShowsTheAccount()
    {
        var name = AuthSteps.NewUsername();
        var registered = await api.Host.RegisterAsync(name);
        Assert.Equal([Role.User], registered.Roles);

        // Case-insensitive name on login.
        var tokens = await api.Host.LoginAsync(name.ToUpperInvariant());
        Assert.InRange(tokens.ExpiresAt - api.Clock.GetUtcNow(), TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
        var me = await (await api.Host.GetMeAsync(tokens.AccessToken, HttpStatusCode.OK)).ReadAsJsonAsync<UserResponse>();
        Assert.Equal(registered.Id, me.Id);
        Assert.Equal(name, me.Username);

        var hash = (string)(await api.Database.ScalarAsync($"SELECT password_hash FROM zlh.users WHERE id = '{registered.Id}'"))!;
        Assert.DoesNotContain(AuthSteps.Password, hash);
    }

    [Theory]
    [InlineData("""{"username":"ab","password":"long enough password"}""", "username")]
    [InlineData("""{"username":"has space","password":"long enough password"}""", "username")]
    [InlineData("""{"username":"fine-name","password":"short"}""", "password")]
    [InlineData("""{"username":"samesame-name1","password":"SAMESAME-NAME1"}""", "password")]
    [InlineData("""{"password":"long enough password"}""", "username")]
    public async Task BadRegistrationIs400WithFieldErrorsAndWritesNothing(string body, string field)
    {
        var before = await api.Database.ScalarAsync("SELECT count(*) FROM zlh.users");
        var response = await api.Scenario(x =>
        {
            x.Post.RawJson(body).ToUrl("/api/auth/register");
            x.ProblemShouldBe(HttpStatusCode.BadRequest);
        });

        var problem = await response.ReadAsJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"expected an error for {field}: {problem}");
        // Said in words a person can act on, not ASP.NET's "One or more validation errors occurred.".
        Assert.Equal("Invalid request", problem.GetProperty("title").GetString());
        Assert.Contains($"{field}: ", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await api.Database.ScalarAsync("SELECT count(*) FROM zlh.users"));
    }

    [Fact]
    public async Task MalformedJsonIs400Problem()
    {
        await api.Scenario(x =>
        {
            x.Post.RawJson("{\"username\":").ToUrl("/api/auth/login");
            x.ProblemShouldBe(HttpStatusCode.BadRequest);
        });
    }

    [Fact]
    public async Task RegisteringATakenNameInAnotherCaseIs409()
    {
        var name = AuthSteps.NewUsername();
        await api.Host.RegisterAsync(name);
        await api.Scenario(x =>
        {
            x.Post.Json(new { username = name.ToUpperInvariant(), password = "another long password" }).ToUrl("/api/auth/register");
            x.ProblemShouldBe(HttpStatusCode.Conflict);
        });
        Assert.Equal(1L, await api.Database.ScalarAsync($"SELECT count(*) FROM zlh.users WHERE lower(username) = '{name}'"));
    }

    [Fact]
    public async Task WrongPasswordAndUnknownUserGetIdenticalResponses()
    {
        var name = AuthSteps.NewUsername();
        await api.Host.RegisterAsync(name);

        var wrongPassword = await api.Host.PostLoginAsync(name, "not the password at all", HttpStatusCode.Unauthorized);
        var unknownUser = await api.Host.PostLoginAsync(AuthSteps.NewUsername("ghost"), "not the password at all", HttpStatusCode.Unauthorized);

        Assert.Equal(wrongPassword.Context.Response.ContentType, unknownUser.Context.Response.ContentType);
        Assert.Equal(Without(await wrongPassword.ReadAsJsonAsync<JsonElement>(), "traceId"),
            Without(await unknownUser.ReadAsJsonAsync<JsonElement>(), "traceId"));
    }

    [Fact]
    public async Task BootstrapAdminGrantsAuditorWhichTheUserGetsAtTheNextRefresh()
    {
        var name = AuthSteps.NewUsername();
        var user = await api.Host.RegisterAsync(name);
        var session = await api.Host.LoginAsync(name);
        var admin = await api.Host.LoginAsync("admin", ApiFixture.AdminPassword);

        // A plain user may not grant roles.
        await GrantAsync(session.AccessToken, user.Id, HttpStatusCode.Forbidden, Role.Auditor);

        var granted = await GrantAsync(admin.AccessToken, user.Id, HttpStatusCode.OK, Role.Auditor);
        Assert.Equal([Role.Auditor, Role.User], (await granted.ReadAsJsonAsync<UserResponse>()).Roles);

        var refreshed = await (await api.Host.PostRefreshAsync(session.RefreshToken, HttpStatusCode.OK)).ReadAsJsonAsync<TokenResponse>();
        var me = await (await api.Host.GetMeAsync(refreshed.AccessToken, HttpStatusCode.OK)).ReadAsJsonAsync<UserResponse>();
        Assert.Contains(Role.Auditor, me.Roles);

        await GrantAsync(admin.AccessToken, user.Id, HttpStatusCode.BadRequest, "superuser");
        await GrantAsync(admin.AccessToken, Guid.NewGuid(), HttpStatusCode.NotFound, Role.Auditor);
    }

    [Fact]
    public async Task AnAdminCannotDropTheirOwnAdminRole()
    {
        var admin = await api.Host.LoginAsync("admin", ApiFixture.AdminPassword);
        var me = await (await api.Host.GetMeAsync(admin.AccessToken, HttpStatusCode.OK)).ReadAsJsonAsync<UserResponse>();
        await GrantAsync(admin.AccessToken, me.Id, HttpStatusCode.Conflict, Role.Auditor);
        Assert.Equal(true, await api.Database.ScalarAsync($"SELECT 'admin' = ANY (roles) FROM zlh.users WHERE id = '{me.Id}'"));
    }

    private Task<IScenarioResult> GrantAsync(string accessToken, Guid userId, HttpStatusCode status, params string[] roles) =>
        api.Scenario(x =>
        {
            x.Post.Json(new { roles }).ToUrl($"/api/admin/users/{userId}/roles");
            x.WithBearerToken(accessToken);
            x.StatusCodeShouldBe(status);
        });

    private static string Without(JsonElement problem, string property) =>
        JsonSerializer.Serialize(problem.EnumerateObject().Where(p => p.Name != property).ToDictionary(p => p.Name, p => p.Value));
}
