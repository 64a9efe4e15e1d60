using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ZeroLagHub.Api.Tests.Hosts;

namespace ZeroLagHub.Api.Tests.Containers;

/// <summary>
/// Commands that race on one container stream (a lost version race is decided again, up to three times in all, against the
/// reloaded stream) and commands the container's state forbids: 409 with the reason, never a 500,
/// and a rejected command writes no event.
/// </summary>
public sealed class ConcurrentCommandTests(LocalHostFixture api) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task TwoValidCommandsRacingAreBothAppliedAndAForbiddenOneIs409WithNothingWritten()
    {
        var owner = Guid.NewGuid();
        using var client = api.CreateClientAs(owner);
        var container = await ReadyDevContainerAsync(client);

        for (var round = 0; round < 5; round++)
        {
            var keys = new[] { Guid.NewGuid().ToString(), Guid.NewGuid().ToString() };
            var responses = await Task.WhenAll(keys.Select(key => PostAsync(client, $"/api/servers/{container}/code-server/restart", key)));
            foreach (var response in responses)
                Assert.True(response.StatusCode == HttpStatusCode.Accepted,
                    $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\nAPI errors:\n{api.Errors.Last()}");
            var commandIds = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("commandId").GetGuid()));
            foreach (var id in commandIds)
                Assert.Equal(1L, await CountAsync($"stream_id = '{container}' AND data->>'commandId' = '{id}'"));
        }

        var serverOnDev = await PostAsync(client, $"/api/servers/{container}/server/start", null);
        Assert.Equal(HttpStatusCode.Conflict, serverOnDev.StatusCode);
        Assert.Contains("game", (await serverOnDev.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(0L, await CountAsync($"stream_id = '{container}' AND type LIKE 'container.server_%'"));
    }

    [Fact]
    public async Task DeleteRacingStartEndsDeletedAndTheLoserIs409NeverA500()
    {
        using var client = api.CreateClientAs(Guid.NewGuid());
        var container = await ReadyDevContainerAsync(client);
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(client, $"/api/servers/{container}/stop", null)).StatusCode);
        await WaitForLifecycleAsync(client, container, "stopped");

        var racing = await Task.WhenAll(client.DeleteAsync($"/api/servers/{container}"), PostAsync(client, $"/api/servers/{container}/start", null));
        var (delete, start) = (racing[0], racing[1]);

        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        var deletedAt = await VersionOfAsync(container, "container.deleted");
        var startedAt = await VersionOfAsync(container, "container.started");
        if (start.StatusCode == HttpStatusCode.Conflict)
        {
            Assert.Contains("deleted", (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
            Assert.Null(startedAt);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
            Assert.True(startedAt < deletedAt, "the start that won was applied before the delete");
        }
        Assert.Equal("deleted", (await client.GetContainerAsync(container)).GetProperty("lifecycle").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(client, $"/api/servers/{container}/start", null)).StatusCode);
    }

    [Fact]
    public async Task AnotherUserGets404ForEveryRouteOfMyContainer()
    {
        using var client = api.CreateClientAs(Guid.NewGuid());
        var (container, deployment) = await client.CreateAsync(ControlPlaneSteps.DevSpec());
        using var stranger = api.CreateClientAs(Guid.NewGuid());

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/servers/{container}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync($"/api/servers/{container}")).StatusCode);
        foreach (var action in new[] { "stop", "start", "reprovision", "code-server/restart" })
            Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(stranger, $"/api/servers/{container}/{action}", null)).StatusCode);
        Assert.DoesNotContain((await stranger.GetFromJsonAsync<JsonElement>("/api/servers")).EnumerateArray(),
            c => c.GetProperty("id").GetGuid() == container);
        await client.WaitForDeploymentAsync(deployment);
        Assert.Equal(0L, await CountAsync($"stream_id = '{container}' AND type = 'container.deleted'"));
    }

    private async Task<Guid> ReadyDevContainerAsync(HttpClient client)
    {
        var (container, deployment) = await client.CreateAsync(ControlPlaneSteps.DevSpec());
        var history = await client.WaitForDeploymentAsync(deployment);
        Assert.True(history.GetProperty("status").GetString() == "succeeded", history.ToString());
        return container;
    }

    private static async Task WaitForLifecycleAsync(HttpClient client, Guid container, string lifecycle)
    {
        for (var i = 0; i < 120 && (await client.GetContainerAsync(container)).GetProperty("lifecycle").GetString() != lifecycle; i++)
            await Task.Delay(250);
        Assert.Equal(lifecycle, (await client.GetContainerAsync(container)).GetProperty("lifecycle").GetString());
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return client.SendAsync(request);
    }

    private async Task<long> CountAsync(string where) =>
        (long)(await api.Database.ScalarAsync($"SELECT count(*) FROM events.mt_events WHERE {where}"))!;

    private async Task<long?> VersionOfAsync(Guid container, string type) =>
        await api.Database.ScalarAsync($"SELECT min(version) FROM events.mt_events WHERE stream_id = '{container}' AND type = '{type}'") as long?;
}
