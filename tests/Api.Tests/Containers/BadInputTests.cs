using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ZeroLagHub.Api.Tests.Containers;

/// <summary>
/// Every kind of bad input through HTTP: a 400 with field errors, a 404 for what does not exist (or is
/// not yours), and no event written. No container is ever created in this class, so the event table
/// must stay empty.
/// </summary>
public sealed class BadInputTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private readonly Guid _user = Guid.NewGuid();

    [Theory]
    [InlineData("{\"kind\": \"dev\", \"name\": ", "")]                                    // malformed JSON
    [InlineData("{\"kind\": \"vm\", \"name\": \"x\"}", "$.kind")]                         // not a kind
    [InlineData("{\"kind\": \"dev\", \"name\": \"x\", \"addons\": \"code-server\"}", "$.addons")]   // wrong type
    [InlineData("[1, 2]", "")]                                                           // not an object
    public async Task AnUnreadableBodyIsA400ThatSaysWhereAndWritesNothing(string body, string path)
    {
        using var client = api.CreateClientAs(_user);
        var response = await client.PostAsync("/api/servers", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(path, problem.GetProperty("detail").GetString());
        await AssertNothingWrittenAsync();
    }

    [Theory]
    [InlineData("{}", "kind", "name")]
    [InlineData("{\"kind\": \"dev\"}", "name")]
    [InlineData("{\"name\": \"box\"}", "kind")]
    public async Task AMissingFieldIsA400WithAnErrorPerField(string body, params string[] fields)
    {
        using var client = api.CreateClientAs(_user);
        var response = await client.PostAsync("/api/servers", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Equal(fields.Order(), errors.EnumerateObject().Select(e => e.Name).Order());
        await AssertNothingWrittenAsync();
        // The audit log holds every command, also one too incomplete to decide.
        Assert.Equal($"create_container rejected incomplete request: {string.Join(", ", fields.Order())}", await api.Database.ScalarAsync(
            $"SELECT command || ' ' || outcome || ' ' || reason FROM zlh.command_audit WHERE user_id = '{_user}'"));
    }

    [Fact]
    public async Task NoBodyAtAllIsA400()
    {
        using var client = api.CreateClientAs(_user);
        var response = await client.PostAsync("/api/servers", new StringContent("", Encoding.UTF8, "application/json"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        await AssertNothingWrittenAsync();
    }

    [Theory]
    [InlineData("cobol", "85", "runtime")]
    [InlineData("node", "99", "version")]
    public async Task ARuntimeOrVersionOutsideTheCatalogIsA400NamingItAndIsAuditedAsRejected(string runtime, string version, string field)
    {
        using var client = api.CreateClientAs(_user);
        var response = await client.PostAsJsonAsync("/api/servers", ControlPlaneSteps.DevSpec(runtime, version));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        await AssertNothingWrittenAsync();
        var rejected = (long)(await api.Database.ScalarAsync(
            $"SELECT count(*) FROM zlh.command_audit WHERE user_id = '{_user}' AND outcome = 'rejected' AND reason IS NOT NULL"))!;
        Assert.True(rejected >= 1);
    }

    [Fact]
    public async Task AGameServerWithoutItsServerCommandIsA400()
    {
        using var client = api.CreateClientAs(_user);
        var response = await client.PostAsJsonAsync("/api/servers",
            new { kind = "game", name = "world", runtime = "java", version = "21", addons = new[] { "minecraft-standin" } });
        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        await AssertNothingWrittenAsync();
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("DELETE", "")]
    [InlineData("POST", "/stop")]
    [InlineData("POST", "/start")]
    [InlineData("POST", "/reprovision")]
    [InlineData("POST", "/server/start")]
    [InlineData("POST", "/code-server/restart")]
    public async Task AnUnknownContainerIsA404ForEveryRoute(string method, string suffix)
    {
        using var client = api.CreateClientAs(_user);
        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"/api/servers/{Guid.NewGuid()}{suffix}"));
        await AssertProblemAsync(response, HttpStatusCode.NotFound);
        await AssertNothingWrittenAsync();
    }

    [Theory]
    [InlineData("/api/servers/not-a-guid")]
    [InlineData("/api/deployments/not-a-guid")]
    public async Task AnIdThatIsNotAGuidIsA404(string path)
    {
        using var client = api.CreateClientAs(_user);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(path)).StatusCode);
    }

    [Theory]
    [InlineData("/api/deployments?since=yesterday")]
    [InlineData("/api/deployments?limit=100000")]
    [InlineData("/api/deployments?state=exploded")]
    [InlineData("/api/deployments?container=not-a-guid")]
    public async Task ABadFilterIsA400(string path)
    {
        using var client = api.CreateClientAs(_user);
        await AssertProblemAsync(await client.GetAsync(path), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheContainerRoutesWithoutAToken()
    {
        using var anonymous = api.CreateClient();
        var document = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/servers", paths);
        Assert.Contains("/api/servers/{id}", paths);
        Assert.Contains("/api/deployments", paths);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement;
    }

    private async Task AssertNothingWrittenAsync() =>
        Assert.Equal(0L, (long)(await api.Database.ScalarAsync("SELECT count(*) FROM events.mt_events"))!);
}
