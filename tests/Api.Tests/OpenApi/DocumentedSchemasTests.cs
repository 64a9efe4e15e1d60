using System.Net.Http.Json;
using System.Text.Json;

namespace ZeroLagHub.Api.Tests.OpenApi;

/// <summary>
/// What the OpenAPI document says a route sends and takes: a schema for every answer with a body of the container,
/// deployment, status and audit routes, problems as application/problem+json, the command bodies (which the
/// Wolverine.Http endpoints read themselves), and optional fields not marked required.
/// </summary>
public sealed class DocumentedSchemasTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly string[] Scope = ["/api/servers", "/api/deployments", "/api/audit"];

    [Fact]
    public void TheDocumentedStatusHasEveryFieldOfTheProjectionsStatusAndOnlyWhatTheReaderAdds()
    {
        // StatusDocument describes the JSON the status route serves as read (a ContainerStatus plus stale and lastSeen):
        // a field added to the projection and not here would go undocumented.
        static string[] Names(Type type) => [.. type.GetProperties().Select(p => p.Name).Where(n => n != "EqualityContract").Order()];
        Assert.Equal(Names(typeof(ZeroLagHub.Projections.Status.ContainerStatus)).Concat(["LastSeen", "Stale"]).Order(),
            Names(typeof(ZeroLagHub.Api.Status.StatusDocument)));
    }

    [Fact]
    public async Task EveryAnswerWithABodyHasASchemaAndEveryProblemIsProblemJson()
    {
        var document = await DocumentAsync();
        var failures = new List<string>();
        foreach (var (route, operation) in Operations(document).Where(o => Scope.Any(o.Route.Split(' ')[1].StartsWith)))
            foreach (var response in operation.GetProperty("responses").EnumerateObject())
            {
                var status = int.Parse(response.Name);
                var content = response.Value.TryGetProperty("content", out var c) ? c.EnumerateObject().ToList() : [];
                if (status is >= 200 and < 300 && status != 204 && !content.Any(m => m.Value.TryGetProperty("schema", out _)))
                    failures.Add($"{route} {status}: no schema");
                if (status >= 400 && !content.Any(m => m.Name == "application/problem+json"))
                    failures.Add($"{route} {status}: not application/problem+json ({string.Join(", ", content.Select(m => m.Name))})");
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task AnAcceptedCommandIsDocumentedAsThe202ItSendsWithItsOptionalFieldsNotRequired()
    {
        var document = await DocumentAsync();
        var create = Operation(document, "POST /api/servers");
        var responses = create.GetProperty("responses");
        Assert.False(responses.TryGetProperty("200", out _), "a create never answers 200");
        var accepted = Resolve(document, responses.GetProperty("202").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.Equal(["commandId", "containerId", "deploymentId"], accepted.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
        var required = accepted.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()).ToList() : [];
        Assert.DoesNotContain("deploymentId", required);

        var body = create.GetProperty("requestBody");
        Assert.False(body.TryGetProperty("required", out var bodyRequired) && bodyRequired.GetBoolean(), "an absent body is answered by field, not refused");
        var request = Resolve(document, body.GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.Contains("kind", request.GetProperty("properties").EnumerateObject().Select(p => p.Name));

        var login = Operation(document, "POST /api/auth/login").GetProperty("requestBody");
        Assert.True(login.GetProperty("required").GetBoolean());
    }

    [Fact]
    public async Task TheStatusDocumentRequiresOnlyWhatEveryStatusHas()
    {
        var document = await DocumentAsync();
        var status = Resolve(document, Operation(document, "GET /api/servers/{id}/status")
            .GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.Equal(["containerId", "kind", "lastSeen", "stale", "state"],
            status.GetProperty("required").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal));
    }

    private async Task<JsonElement> DocumentAsync()
    {
        using var anonymous = api.CreateClient();
        return await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
    }

    private static IEnumerable<(string Route, JsonElement Operation)> Operations(JsonElement document) =>
        from path in document.GetProperty("paths").EnumerateObject()
        from operation in path.Value.EnumerateObject()
        where operation.Value.ValueKind == JsonValueKind.Object && operation.Value.TryGetProperty("responses", out _)
        select ($"{operation.Name.ToUpperInvariant()} {path.Name}", operation.Value);

    private static JsonElement Operation(JsonElement document, string route) =>
        Operations(document).Single(o => o.Route == route).Operation;

    /// <summary>A schema, or the component its <c>$ref</c> names.</summary>
    private static JsonElement Resolve(JsonElement document, JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference)
            ? document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1])
            : schema;
}
