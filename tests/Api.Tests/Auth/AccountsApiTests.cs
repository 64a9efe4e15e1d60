using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ZeroLagHub.Api.Auth;

namespace ZeroLagHub.Api.Tests.Auth;

public sealed class AccountsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task RegisteredUserLogsInAndMeShowsTheAccount()
    {
        var client = api.CreateClient();
        var name = AuthSteps.NewUsername();
        var registered = await client.RegisterAsync(name);
        Assert.Equal([Role.User], registered.Roles);

        // Case-insensitive name on login.
        var tokens = await client.LoginAsync(name.ToUpperInvariant());
        Assert.InRange(tokens.ExpiresAt - api.Clock.GetUtcNow(), TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
        var me = await (await client.GetMeAsync(tokens.AccessToken)).Content.ReadFromJsonAsync<UserResponse>();
        Assert.Equal(registered.Id, me!.Id);
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
        var response = await api.CreateClient().PostAsync("/api/auth/register", new StringContent(body, null, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"expected an error for {field}: {problem}");
        Assert.Equal(before, await api.Database.ScalarAsync("SELECT count(*) FROM zlh.users"));
    }

    [Fact]
    public async Task MalformedJsonIs400Problem()
    {
        var response = await api.CreateClient().PostAsync("/api/auth/login", new StringContent("{\"username\":", null, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task RegisteringATakenNameInAnotherCaseIs409()
    {
        var client = api.CreateClient();
        var name = AuthSteps.NewUsername();
        await client.RegisterAsync(name);
        var response = await client.PostAsJsonAsync("/api/auth/register", new { username = name.ToUpperInvariant(), password = "another long password" });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1L, await api.Database.ScalarAsync($"SELECT count(*) FROM zlh.users WHERE lower(username) = '{name}'"));
    }

    [Fact]
    public async Task WrongPasswordAndUnknownUserGetIdenticalResponses()
    {
        var client = api.CreateClient();
        var name = AuthSteps.NewUsername();
        await client.RegisterAsync(name);

        var wrongPassword = await client.PostLoginAsync(name, "not the password at all");
        var unknownUser = await client.PostLoginAsync(AuthSteps.NewUsername("ghost"), "not the password at all");

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(wrongPassword.StatusCode, unknownUser.StatusCode);
        Assert.Equal(wrongPassword.Content.Headers.ContentType?.MediaType, unknownUser.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Without(await wrongPassword.Content.ReadFromJsonAsync<JsonElement>(), "traceId"),
            Without(await unknownUser.Content.ReadFromJsonAsync<JsonElement>(), "traceId"));
    }

    [Fact]
    public async Task BootstrapAdminGrantsAuditorWhichTheUserGetsAtTheNextRefresh()
    {
        var client = api.CreateClient();
        var name = AuthSteps.NewUsername();
        var user = await client.RegisterAsync(name);
        var session = await client.LoginAsync(name);
        var admin = await client.LoginAsync("admin", ApiFixture.AdminPassword);

        // A plain user may not grant roles.
        Assert.Equal(HttpStatusCode.Forbidden, (await GrantAsync(client, session.AccessToken, user.Id, Role.Auditor)).StatusCode);

        var granted = await GrantAsync(client, admin.AccessToken, user.Id, Role.Auditor);
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Equal([Role.Auditor, Role.User], (await granted.Content.ReadFromJsonAsync<UserResponse>())!.Roles);

        var refreshed = await (await client.PostRefreshAsync(session.RefreshToken)).Content.ReadFromJsonAsync<TokenResponse>();
        var me = await (await client.GetMeAsync(refreshed!.AccessToken)).Content.ReadFromJsonAsync<UserResponse>();
        Assert.Contains(Role.Auditor, me!.Roles);

        Assert.Equal(HttpStatusCode.BadRequest, (await GrantAsync(client, admin.AccessToken, user.Id, "superuser")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GrantAsync(client, admin.AccessToken, Guid.NewGuid(), Role.Auditor)).StatusCode);
    }

    [Fact]
    public async Task AnAdminCannotDropTheirOwnAdminRole()
    {
        var client = api.CreateClient();
        var admin = await client.LoginAsync("admin", ApiFixture.AdminPassword);
        var me = await (await client.GetMeAsync(admin.AccessToken)).Content.ReadFromJsonAsync<UserResponse>();
        Assert.Equal(HttpStatusCode.Conflict, (await GrantAsync(client, admin.AccessToken, me!.Id, Role.Auditor)).StatusCode);
        Assert.Equal(true, await api.Database.ScalarAsync($"SELECT 'admin' = ANY (roles) FROM zlh.users WHERE id = '{me.Id}'"));
    }

    private static async Task<HttpResponseMessage> GrantAsync(HttpClient client, string accessToken, Guid userId, params string[] roles)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/users/{userId}/roles") { Content = JsonContent.Create(new { roles }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await client.SendAsync(request);
    }

    private static string Without(JsonElement problem, string property) =>
        JsonSerializer.Serialize(problem.EnumerateObject().Where(p => p.Name != property).ToDictionary(p => p.Name, p => p.Value));
}
