using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Tests.Containers;
using ZeroLagHub.Api.Tests.Hosts;

namespace ZeroLagHub.Api.Tests.OpenApi;

/// <summary>
/// The OpenAPI document tells the truth about the routes of containers, deployments, status and audit: each route is
/// driven through the real host (a good request, bad input, an unknown id, a conflict, a reused Idempotency-Key) and
/// answers exactly the status codes its operation lists — none it does not list, and every one it lists, but for the
/// few no test can provoke on demand (named below, with why).
/// </summary>
public sealed class DocumentedStatusCodesTests(LocalHostFixture api) : IClassFixture<LocalHostFixture>
{
    /// <summary>The routes this test holds to their document: every operation under these.</summary>
    private static readonly string[] Scope = ["/api/servers", "/api/deployments", "/api/audit"];

    /// <summary>Documented, true, and not provoked here.</summary>
    private static readonly Dictionary<string, int[]> Unprovoked = new()
    {
        // A delete is refused only when the container keeps changing under it (three lost races): see ConcurrentCommandTests.
        ["DELETE /api/servers/{id}"] = [409],
        // A body over 16 MiB (the route's limit): the body guard's 413, proven on another route by RequestBodyGuardTests.
        ["POST /api/audit/anchors/verify"] = [413],
    };

    /// <summary>Routes in scope that need a socket or a stream, proven elsewhere (StatusStreamTests, Console tests).</summary>
    private static readonly string[] NotProbedHere =
    [
        "GET /api/servers/status/stream", "POST /api/servers/status/stream-token",
        "GET /api/servers/{id}/console", "POST /api/servers/{id}/console-token",
    ];

    private readonly Dictionary<string, SortedSet<int>> _observed = [];

    [Fact]
    public async Task EveryRouteAnswersTheStatusCodesItsOperationListsAndNoOthers()
    {
        var documented = await DocumentedAsync();
        var owner = Guid.NewGuid();
        using var user = api.CreateClientAs(owner);
        using var stranger = api.CreateClientAs(Guid.NewGuid());
        using var auditor = api.CreateClientAs(Guid.NewGuid(), "auditor", Role.User, Role.Auditor);
        using var admin = api.CreateClientAs(Guid.NewGuid(), "admin", Role.User, Role.Admin);
        var unknown = Guid.NewGuid();

        // Containers: a dev and a game container to act on (provisioned), and a deleted one every action is refused on.
        var dev = await ProbeCreateAsync(user, ControlPlaneSteps.DevSpec(name: "truth-dev"));
        var game = await ProbeCreateAsync(user, ControlPlaneSteps.GameSpec());
        var gone = await ProbeCreateAsync(user, ControlPlaneSteps.DevSpec(name: "truth-gone"));
        await Probe("POST /api/servers", user, Post("/api/servers", "{}"));                                         // 400
        await Probe("POST /api/servers", user, Post("/api/servers", Json(ControlPlaneSteps.DevSpec(name: "truth-dev"))));  // 409 name
        await Probe("POST /api/servers", user, Post("/api/servers", new string(' ', 70 * 1024) + "{}"));              // 413
        await Probe("POST /api/servers", user, new HttpRequestMessage(HttpMethod.Post, "/api/servers")
            { Content = new StringContent("kind=dev", Encoding.UTF8, "text/plain") });                                  // 415
        await ProbeKeyReusedAsync("POST /api/servers", user, () => Post("/api/servers", Json(ControlPlaneSteps.DevSpec(name: "truth-other"))));

        await Probe("DELETE /api/servers/{id}", user, new HttpRequestMessage(HttpMethod.Delete, $"/api/servers/{gone.Container}"));
        await Probe("DELETE /api/servers/{id}", stranger, new HttpRequestMessage(HttpMethod.Delete, $"/api/servers/{dev.Container}"));  // 404
        await ProbeKeyReusedAsync("DELETE /api/servers/{id}", user, () => new HttpRequestMessage(HttpMethod.Delete, $"/api/servers/{unknown}"));

        await user.WaitForDeploymentAsync(dev.Deployment);
        await user.WaitForDeploymentAsync(game.Deployment);
        foreach (var (route, path, container) in new[]
        {
            ("POST /api/servers/{id}/{action}", "start", dev.Container),
            ("POST /api/servers/{id}/server/{action}", "server/start", game.Container),
            ("POST /api/servers/{id}/code-server/{action}", "code-server/start", dev.Container),
        })
        {
            await Probe(route, user, Post($"/api/servers/{container}/{path}"));                       // 202
            await Probe(route, stranger, Post($"/api/servers/{container}/{path}"));                   // 404
            await Probe(route, user, Post($"/api/servers/{gone.Container}/{path}"));                  // 409 deleted
            await ProbeKeyReusedAsync(route, user, () => Post($"/api/servers/{unknown}/{path}"));     // 422
        }

        await Probe("GET /api/servers", user, Get("/api/servers"));
        await Probe("GET /api/servers", user, Get("/api/servers?deleted=maybe"));
        await Probe("GET /api/servers/{id}", user, Get($"/api/servers/{dev.Container}"));
        await Probe("GET /api/servers/{id}", stranger, Get($"/api/servers/{dev.Container}"));
        await Probe("GET /api/servers/{id}/status", user, Get($"/api/servers/{dev.Container}/status"));
        await Probe("GET /api/servers/{id}/status", stranger, Get($"/api/servers/{dev.Container}/status"));

        await Probe("GET /api/deployments", user, Get("/api/deployments"));
        await Probe("GET /api/deployments", user, Get("/api/deployments?limit=0"));
        await Probe("GET /api/deployments/{id}", user, Get($"/api/deployments/{dev.Deployment}"));
        await Probe("GET /api/deployments/{id}", stranger, Get($"/api/deployments/{dev.Deployment}"));

        foreach (var (route, good, bad) in new[]
        {
            ("GET /api/audit/containers/{id}/events", $"/api/audit/containers/{dev.Container}/events", "?limit=0"),
            ("GET /api/audit/containers/{id}/state", $"/api/audit/containers/{dev.Container}/state", "?version=0"),
            ("GET /api/audit/containers/{id}/verify", $"/api/audit/containers/{dev.Container}/verify", null),
        })
        {
            await Probe(route, auditor, Get(good));
            if (bad is not null) await Probe(route, auditor, Get(good + bad));
            await Probe(route, auditor, Get(good.Replace(dev.Container.ToString(), unknown.ToString())));
        }
        await Probe("GET /api/audit/verify", auditor, Get("/api/audit/verify"));
        await Probe("GET /api/audit/export", auditor, Get($"/api/audit/export?stream={dev.Container}"));
        await Probe("GET /api/audit/export", auditor, Get("/api/audit/export"));
        await Probe("GET /api/audit/export", auditor, Get($"/api/audit/export?stream={unknown}"));
        await Probe("GET /api/audit/commands", auditor, Get("/api/audit/commands"));
        await Probe("GET /api/audit/commands", auditor, Get("/api/audit/commands?limit=0"));

        var written = await SendAsync("POST /api/audit/anchors", admin, Post("/api/audit/anchors"));
        var file = (await written.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("file").GetString()!;
        await Probe("GET /api/audit/anchors", auditor, Get("/api/audit/anchors"));
        await Probe("POST /api/audit/anchors/verify", auditor, Post("/api/audit/anchors/verify", Json(new { file })));
        await Probe("POST /api/audit/anchors/verify", auditor, Post("/api/audit/anchors/verify", Json(new { file = "../key" })));
        await Probe("POST /api/audit/anchors/verify", auditor, Post("/api/audit/anchors/verify",
            Json(new { file = "anchor-20260101T000000000Z-abcdef.json" })));
        var anchor = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(api.DataDirectory, "anchors", file)))!;
        anchor["checkpoint"]!["format"] = "tampered";   // not a format this server checks
        await Probe("POST /api/audit/anchors/verify", auditor, Post("/api/audit/anchors/verify", anchor.ToJsonString()));

        var failures = new List<string>();
        foreach (var (route, codes) in documented.Where(d => Scope.Any(d.Key.Split(' ')[1].StartsWith)).OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            if (NotProbedHere.Contains(route)) continue;
            if (!_observed.TryGetValue(route, out var seen))
            {
                failures.Add($"{route}: documented [{string.Join(", ", codes)}], never driven by this test");
                continue;
            }
            var undocumented = seen.Except(codes).ToList();
            var neverAnswered = codes.Except(seen).Except(Unprovoked.GetValueOrDefault(route, [])).ToList();
            if (undocumented.Count > 0 || neverAnswered.Count > 0)
                failures.Add($"{route}: documented [{string.Join(", ", codes)}], answered [{string.Join(", ", seen)}]");
        }
        failures.AddRange(_observed.Keys.Where(r => !documented.ContainsKey(r)).Select(r => $"{r}: answered, but not in the document"));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>"METHOD /path" → the status codes of its operation's responses.</summary>
    private async Task<Dictionary<string, SortedSet<int>>> DocumentedAsync()
    {
        using var anonymous = api.CreateClient();
        var document = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var routes = new Dictionary<string, SortedSet<int>>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Value.TryGetProperty("responses", out _)))
                routes[$"{operation.Name.ToUpperInvariant()} {path.Name}"] =
                    [.. operation.Value.GetProperty("responses").EnumerateObject().Select(r => int.Parse(r.Name))];
        return routes;
    }

    private async Task<(Guid Container, Guid Deployment)> ProbeCreateAsync(HttpClient client, object spec)
    {
        var response = await SendAsync("POST /api/servers", client, Post("/api/servers", Json(spec)));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return (body.GetProperty("containerId").GetGuid(), body.GetProperty("deploymentId").GetGuid());
    }

    /// <summary>A key first sent with another request (a create), then with this route's: 422.</summary>
    private async Task ProbeKeyReusedAsync(string route, HttpClient client, Func<HttpRequestMessage> request)
    {
        var key = Guid.NewGuid().ToString();
        var first = Post($"/api/servers/{Guid.NewGuid()}/stop");
        first.Headers.Add("Idempotency-Key", key);
        await client.SendAsync(first);
        var again = request();
        again.Headers.Add("Idempotency-Key", key);
        await Probe(route, client, again);
    }

    private async Task Probe(string route, HttpClient client, HttpRequestMessage request) => await SendAsync(route, client, request);

    private async Task<HttpResponseMessage> SendAsync(string route, HttpClient client, HttpRequestMessage request)
    {
        var response = await client.SendAsync(request);
        if (!_observed.TryGetValue(route, out var seen)) _observed[route] = seen = [];
        seen.Add((int)response.StatusCode);
        return response;
    }

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

    private static HttpRequestMessage Post(string path, string? json = null) =>
        new(HttpMethod.Post, path) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };

    private static string Json(object value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);
}
