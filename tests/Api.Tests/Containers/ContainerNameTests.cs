using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ZeroLagHub.Api.Tests.Hosts;

namespace ZeroLagHub.Api.Tests.Containers;

/// <summary>
/// A name is unique among its owner's live containers (the CLI addresses containers by name): a second
/// create with it is a 409 naming the container that has it, and writes nothing but its audit row.
/// </summary>
public sealed class ContainerNameTests(LocalHostFixture api) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task ANameInUseIsA409NamingItsContainerUntilThatOneIsDeleted()
    {
        var owner = Guid.NewGuid();
        using var client = api.CreateClientAs(owner);
        var first = await CreateAsync(client, "web");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("containerId").GetGuid();

        var second = await CreateAsync(client, "web");
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        var detail = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("'web'", detail);
        Assert.Contains(firstId.ToString(), detail);
        Assert.Equal(1L, await CountCreatedAsync(owner, "web"));
        Assert.Equal(1L, await CountAsync(
            $"SELECT count(*) FROM zlh.command_audit WHERE user_id = '{owner}' AND command = 'create_container' AND outcome = 'rejected' AND reason LIKE '%{firstId}%'"));

        // Another owner's names are not in the way.
        using var other = api.CreateClientAs(Guid.NewGuid());
        Assert.Equal(HttpStatusCode.Accepted, (await CreateAsync(other, "web")).StatusCode);

        // A deleted container's name is free again.
        Assert.Equal(HttpStatusCode.Accepted, (await client.DeleteAsync($"/api/servers/{firstId}")).StatusCode);
        var again = await CreateAsync(client, "web");
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.NotEqual(firstId, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("containerId").GetGuid());
        Assert.Equal(2L, await CountCreatedAsync(owner, "web"));
    }

    [Fact]
    public async Task CreatesRacingWithOneNameMakeOneContainer()
    {
        var owner = Guid.NewGuid();
        using var client = api.CreateClientAs(owner);
        for (var round = 0; round < 3; round++)
        {
            var name = $"race-{round}";
            var racing = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => CreateAsync(client, name)));

            Assert.Equal(1, racing.Count(r => r.StatusCode == HttpStatusCode.Accepted));
            Assert.Equal(3, racing.Count(r => r.StatusCode == HttpStatusCode.Conflict));
            Assert.Equal(1L, await CountCreatedAsync(owner, name));
        }
    }

    /// <summary>A create with its own key: each is a new request, not a retry.</summary>
    private static Task<HttpResponseMessage> CreateAsync(HttpClient client, string name)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/servers") { Content = JsonContent.Create(new { kind = "dev", name }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return client.SendAsync(request);
    }

    private Task<long> CountCreatedAsync(Guid owner, string name) => CountAsync(
        $"SELECT count(*) FROM events.mt_events WHERE type = 'container.requested' AND data->>'owner' = '{owner}' AND data->'spec'->>'name' = '{name}'");

    private async Task<long> CountAsync(string sql) => (long)(await api.Database.ScalarAsync(sql))!;
}
