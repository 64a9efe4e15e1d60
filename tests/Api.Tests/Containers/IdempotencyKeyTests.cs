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
        Assert.Equal(1L, (long)(await api.Database.ScalarAsync($"SELECT count(*) FROM es.queue_keys WHERE key = 'command:{restartId}'"))!);

        // The same key for another request is a mistake the client must hear about, not a silent 202.
        var reused = await SendAsync(client, HttpMethod.Post, $"/api/servers/{container}/code-server/stop", restartKey);
        Assert.Equal(HttpStatusCode.BadRequest, reused.Status);
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

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, HttpMethod method, string path, string key,
        object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Idempotency-Key", key);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static Guid Id((HttpStatusCode Status, string Body) response, string name) =>
        JsonSerializer.Deserialize<JsonElement>(response.Body).GetProperty(name).GetGuid();

    private async Task<long> CountEventsAsync(string where) =>
        (long)(await api.Database.ScalarAsync($"SELECT count(*) FROM es.events WHERE {where}"))!;

    private async Task<long> CountAuditAsync(Guid commandId) =>
        (long)(await api.Database.ScalarAsync($"SELECT count(*) FROM zlh.command_audit WHERE command_id = '{commandId}'"))!;
}
