using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ZeroLagHub.Api.Tests.Hosts;

namespace ZeroLagHub.Api.Tests.Containers;

/// <summary>
/// A request repeated with its <c>Idempotency-Key</c> (a client that timed out and sent it again) is
/// the same command: it gets the first answer and writes no event, no message and no audit row.
/// </summary>
public sealed class IdempotencyKeyTests(LocalHostFixture api) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task ACommandSentAgainWithItsKeyGetsTheFirstAnswerAndWritesNothingNew()
    {
        using var client = api.CreateClientAs(Guid.NewGuid());
        var createKey = Guid.NewGuid().ToString();
        var create = await SendAsync(client, HttpMethod.Post, "/api/servers", createKey, ControlPlaneSteps.DevSpec());
        var createAgain = await SendAsync(client, HttpMethod.Post, "/api/servers", createKey, ControlPlaneSteps.DevSpec());

        Assert.Equal((HttpStatusCode.Accepted, create.Body), (createAgain.Status, createAgain.Body));
        var (container, createId) = (Id(create, "containerId"), Id(create, "commandId"));
        Assert.Equal(1L, await CountEventsAsync($"stream_id = '{container}' AND type = 'container.requested'"));
        Assert.Equal(1L, await CountEventsAsync($"stream_id = '{Id(create, "deploymentId")}' AND type = 'deployment.queued'"));
        Assert.Equal(1L, await CountAuditAsync(createId));
        var history = await client.WaitForDeploymentAsync(Id(create, "deploymentId"));
        Assert.True(history.GetProperty("status").GetString() == "succeeded", history.ToString());

        var restartKey = Guid.NewGuid().ToString();
        var restart = await SendAsync(client, HttpMethod.Post, $"/api/servers/{container}/code-server/restart", restartKey);
        var restartAgain = await SendAsync(client, HttpMethod.Post, $"/api/servers/{container}/code-server/restart", restartKey);

        Assert.Equal((HttpStatusCode.Accepted, restart.Body), (restartAgain.Status, restartAgain.Body));
        var restartId = Id(restart, "commandId");
        Assert.Equal(1L, await CountEventsAsync($"stream_id = '{container}' AND type = 'container.code_server_restart_requested'"));
        Assert.Equal(1L, await CountEventsAsync($"stream_id = '{container}' AND data->>'commandId' = '{restartId}'"));
        Assert.Equal(1L, await CountAuditAsync(restartId));
        // One agent command in Wolverine's inbox (handled rows stay a while): its JSON names the command id.
        Assert.Equal(1L, (long)(await api.Database.ScalarAsync(
            $"SELECT count(*) FROM wolverine.wolverine_incoming_envelopes WHERE message_type = 'message.agent_command' AND position(convert_to('{restartId}', 'UTF8') in body) > 0"))!);

        // The same key for another request is a mistake the client must hear about, not a silent 202.
        var reused = await SendAsync(client, HttpMethod.Post, $"/api/servers/{container}/code-server/stop", restartKey);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.Status);
        Assert.Contains("Idempotency-Key", reused.Body);
        Assert.Equal(0L, await CountEventsAsync($"stream_id = '{container}' AND type = 'container.code_server_stop_requested'"));
    }

    [Fact]
    public async Task RetriesRacingWithOneKeyAreAcceptedOnce()
    {
        using var client = api.CreateClientAs(Guid.NewGuid());
        var (container, deployment) = await client.CreateAsync(ControlPlaneSteps.DevSpec());
        var history = await client.WaitForDeploymentAsync(deployment);
        Assert.True(history.GetProperty("status").GetString() == "succeeded", history.ToString());

        for (var round = 0; round < 3; round++)
        {
            // A command that writes an event (restart) and one that has nothing to change (start a ready container).
            foreach (var action in new[] { "code-server/restart", "start" })
            {
                var key = Guid.NewGuid().ToString();
                var racing = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
                    SendAsync(client, HttpMethod.Post, $"/api/servers/{container}/{action}", key)));

                Assert.All(racing, r => Assert.Equal((HttpStatusCode.Accepted, racing[0].Body), (r.Status, r.Body)));
                var commandId = Id(racing[0], "commandId");
                Assert.Equal(1L, await CountAuditAsync(commandId));
                Assert.Equal(action == "start" ? 0L : 1L, await CountEventsAsync($"stream_id = '{container}' AND data->>'commandId' = '{commandId}'"));
            }
        }
    }

    [Fact]
    public async Task AKeySentAgainWithAnotherBodyIs422NamingTheKeyAndCreatesNothing()
    {
        var owner = Guid.NewGuid();
        using var client = api.CreateClientAs(owner);
        var key = Guid.NewGuid().ToString();
        var create = await SendAsync(client, HttpMethod.Post, "/api/servers", key, new { kind = "dev", name = "first-body" });
        Assert.Equal(HttpStatusCode.Accepted, create.Status);

        var other = await SendAsync(client, HttpMethod.Post, "/api/servers", key, new { kind = "dev", name = "second-body" });
        AssertKeyReused(other, "POST /api/servers");
        Assert.Equal(0L, await CountCreatedAsync(owner, "second-body"));
        Assert.Equal(1L, (long)(await api.Database.ScalarAsync(
            $"SELECT count(*) FROM zlh.command_audit WHERE command_id = '{Id(create, "commandId")}' AND command = 'create_container' AND outcome = 'rejected' AND reason LIKE '%Idempotency-Key%'"))!);
        Assert.Equal(1L, await CountEventsAsync($"stream_id = '{Id(create, "containerId")}'"));

        // The same request serialised again (other property order, whitespace) is the same request: the first answer.
        var again = await SendAsync(client, HttpMethod.Post, "/api/servers", key, "{ \"name\": \"first-body\",\n  \"kind\": \"dev\" }");
        Assert.Equal((HttpStatusCode.Accepted, create.Body), (again.Status, again.Body));
        Assert.Equal(1L, await CountCreatedAsync(owner, "first-body"));
    }

    [Theory]
    [InlineData("{\"kind\": \"dev\", \"name\": \"refused\", \"runtime\": \"cobol\", \"version\": \"1\"}")] // refused by the rules
    [InlineData("{\"kind\": \"dev\"}")]                                                                 // incomplete
    [InlineData("{\"kind\": \"dev\", \"name\": ")]                                                      // not JSON
    [InlineData("{\"kind\": \"dev\", \"name\": \"nul\\u0000\"}")]                                          // a NUL: refused before the key check
    [InlineData("{\"kind\": \"dev\", \"name\": \"x\", \"colour\": \"red\"}")]                                  // an unknown field
    public async Task AKeyFirstUsedOnARefusedRequestIsRefusedOnAnotherRequest(string refusedBody)
    {
        var owner = Guid.NewGuid();
        using var client = api.CreateClientAs(owner);
        var key = Guid.NewGuid().ToString();
        var refused = await SendAsync(client, HttpMethod.Post, "/api/servers", key, refusedBody);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);

        var valid = await SendAsync(client, HttpMethod.Post, "/api/servers", key, new { kind = "dev", name = "after-refusal" });
        AssertKeyReused(valid, "POST /api/servers");
        Assert.Equal(0L, await CountEventsAsync($"type = 'container.requested' AND data->>'owner' = '{owner}'"));

        // The refused request itself, sent again, is decided again (nothing was done the first time).
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(client, HttpMethod.Post, "/api/servers", key, refusedBody)).Status);
    }

    [Fact]
    public async Task OneKeySentInParallelWithTwoBodiesIsAcceptedForOneAndRefusedForTheOther()
    {
        var owner = Guid.NewGuid();
        using var client = api.CreateClientAs(owner);
        for (var round = 0; round < 3; round++)
        {
            var key = Guid.NewGuid().ToString();
            var names = new[] { $"parallel-{round}-a", $"parallel-{round}-b" };
            var racing = await Task.WhenAll(names.Select(name => SendAsync(client, HttpMethod.Post, "/api/servers", key, new { kind = "dev", name })));

            Assert.Equal(1, racing.Count(r => r.Status == HttpStatusCode.Accepted));
            Assert.Equal(1, racing.Count(r => r.Status == HttpStatusCode.UnprocessableEntity));
            Assert.Equal(1L, await CountEventsAsync(
                $"type = 'container.requested' AND data->>'owner' = '{owner}' AND data->'spec'->>'name' IN ('{names[0]}', '{names[1]}')"));
        }
    }

    [Fact]
    public async Task TwoUsersSendingOneKeyAreTwoCommands()
    {
        var key = Guid.NewGuid().ToString();
        using var alice = api.CreateClientAs(Guid.NewGuid(), "alice");
        using var bob = api.CreateClientAs(Guid.NewGuid(), "bob");
        var first = await SendAsync(alice, HttpMethod.Post, "/api/servers", key, new { kind = "dev", name = "alices" });
        var second = await SendAsync(bob, HttpMethod.Post, "/api/servers", key, new { kind = "dev", name = "bobs" });

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.Status, second.Status));
        Assert.NotEqual(Id(first, "containerId"), Id(second, "containerId"));
    }

    [Fact]
    public async Task AKeyUsedBeforeKeysWereBoundToTheirRequestIsMatchedOnTheRouteOnly()
    {
        var owner = Guid.NewGuid();
        using var client = api.CreateClientAs(owner);
        var key = Guid.NewGuid().ToString();
        var create = await SendAsync(client, HttpMethod.Post, "/api/servers", key, new { kind = "dev", name = "legacy" });
        Assert.Equal(HttpStatusCode.Accepted, create.Status);
        var container = Id(create, "containerId");
        // As a key accepted before V007 left it: an accepted audit row and no claim.
        var forget = $"DELETE FROM zlh.idempotency_keys WHERE command_id = '{Id(create, "commandId")}'";
        await api.Database.ScalarAsync(forget);

        var delete = await SendAsync(client, HttpMethod.Delete, $"/api/servers/{container}", key);
        AssertKeyReused(delete, $"create_container on container {container}");
        Assert.Equal(0L, await CountEventsAsync($"stream_id = '{container}' AND type = 'container.deleted'"));

        await api.Database.ScalarAsync(forget);
        var otherBody = await SendAsync(client, HttpMethod.Post, "/api/servers", key, new { kind = "dev", name = "legacy-renamed" });
        Assert.Equal((HttpStatusCode.Accepted, create.Body), (otherBody.Status, otherBody.Body));
        Assert.Equal(0L, await CountCreatedAsync(owner, "legacy-renamed"));
    }

    private static void AssertKeyReused((HttpStatusCode Status, string Body) response, string firstRequest)
    {
        Assert.True(response.Status == HttpStatusCode.UnprocessableEntity, response.ToString());
        var problem = JsonSerializer.Deserialize<JsonElement>(response.Body);
        Assert.Contains(firstRequest, problem.GetProperty("detail").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _), response.Body);
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, HttpMethod method, string path, string key,
        object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Idempotency-Key", key);
        if (body is string raw) request.Content = new StringContent(raw, System.Text.Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted || response.Content.Headers.ContentType?.MediaType == "application/problem+json",
            $"{response.StatusCode} {response.Content.Headers.ContentType}");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<long> CountCreatedAsync(Guid owner, string name) =>
        CountEventsAsync($"type = 'container.requested' AND data->>'owner' = '{owner}' AND data->'spec'->>'name' = '{name}'");

    private static Guid Id((HttpStatusCode Status, string Body) response, string name) =>
        JsonSerializer.Deserialize<JsonElement>(response.Body).GetProperty(name).GetGuid();

    private async Task<long> CountEventsAsync(string where) =>
        (long)(await api.Database.ScalarAsync($"SELECT count(*) FROM events.mt_events WHERE {where}"))!;

    private async Task<long> CountAuditAsync(Guid commandId) =>
        (long)(await api.Database.ScalarAsync($"SELECT count(*) FROM zlh.command_audit WHERE command_id = '{commandId}'"))!;
}
