using System.Net;
using Alba;
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
        var problem = await ProblemAsync(HttpStatusCode.BadRequest, x => x.Post.RawJson(body).ToUrl("/api/servers"));

        Assert.Contains(path, problem.GetProperty("detail").GetString());
        await AssertNothingWrittenAsync();
    }

    [Theory]
    [InlineData("{}", "kind", "name")]
    [InlineData("{\"kind\": \"dev\"}", "name")]
    [InlineData("{\"name\": \"box\"}", "kind")]
    public async Task AMissingFieldIsA400WithAnErrorPerField(string body, params string[] fields)
    {
        var problem = await ProblemAsync(HttpStatusCode.BadRequest, x => x.Post.RawJson(body).ToUrl("/api/servers"));

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
        await ProblemAsync(HttpStatusCode.BadRequest, x => x.Post.RawJson("").ToUrl("/api/servers"));
        await AssertNothingWrittenAsync();
    }

    [Theory]
    [InlineData("cobol", "85", "runtime")]
    [InlineData("node", "99", "version")]
    public async Task ARuntimeOrVersionOutsideTheCatalogIsA400NamingItAndIsAuditedAsRejected(string runtime, string version, string field)
    {
        var problem = await ProblemAsync(HttpStatusCode.BadRequest, x => x.Post.Json(ControlPlaneSteps.DevSpec(runtime, version)).ToUrl("/api/servers"));

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        await AssertNothingWrittenAsync();
        var rejected = (long)(await api.Database.ScalarAsync(
            $"SELECT count(*) FROM zlh.command_audit WHERE user_id = '{_user}' AND outcome = 'rejected' AND reason IS NOT NULL"))!;
        Assert.True(rejected >= 1);
    }

    [Fact]
    public async Task AGameServerWithoutItsServerCommandIsA400()
    {
        await ProblemAsync(HttpStatusCode.BadRequest, x => x.Post
            .Json(new { kind = "game", name = "world", runtime = "java", version = "21", addons = new[] { "minecraft-standin" } })
            .ToUrl("/api/servers"));
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
        var url = $"/api/servers/{Guid.NewGuid()}{suffix}";
        await ProblemAsync(HttpStatusCode.NotFound, x => (method switch { "GET" => x.Get, "DELETE" => x.Delete, _ => x.Post }).Url(url));
        await AssertNothingWrittenAsync();
    }

    [Theory]
    [InlineData("/api/servers/not-a-guid")]
    [InlineData("/api/deployments/not-a-guid")]
    public async Task AnIdThatIsNotAGuidIsA404(string path)
    {
        await api.ScenarioAs(_user, x =>
        {
            x.Get.Url(path);
            x.StatusCodeShouldBe(HttpStatusCode.NotFound);
        });
    }

    [Theory]
    [InlineData("/api/deployments?since=yesterday")]
    [InlineData("/api/deployments?limit=100000")]
    [InlineData("/api/deployments?state=exploded")]
    [InlineData("/api/deployments?container=not-a-guid")]
    public async Task ABadFilterIsA400(string path)
    {
        await ProblemAsync(HttpStatusCode.BadRequest, x => x.Get.Url(path));
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheContainerRoutesWithoutAToken()
    {
        var document = await (await api.Scenario(x => x.Get.Url("/openapi/v1.json"))).ReadAsJsonAsync<JsonElement>();
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/servers", paths);
        Assert.Contains("/api/servers/{id}", paths);
        Assert.Contains("/api/deployments", paths);
    }

    /// <summary>The request as this class's user, answered with a problem document of <paramref name="status"/>.</summary>
    private async Task<JsonElement> ProblemAsync(HttpStatusCode status, Action<Scenario> request)
    {
        var response = await api.ScenarioAs(_user, x =>
        {
            request(x);
            x.ProblemShouldBe(status);
        });
        return await response.ReadAsJsonAsync<JsonElement>();
    }

    private async Task AssertNothingWrittenAsync() =>
        Assert.Equal(0L, (long)(await api.Database.ScalarAsync("SELECT count(*) FROM events.mt_events"))!);
}
