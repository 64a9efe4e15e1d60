using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Api.Tests.Status;

/// <summary>
/// <c>GET /api/servers/status/stream</c>: snapshot, live changes through Redis pub/sub, resume without a gap, credentials.
/// An open stream never ends, and an Alba scenario waits for the end of its answer: streams are read with the in-memory
/// server's HttpClient, the answers that end (tokens, refusals) are scenarios.
/// </summary>
public sealed class StatusStreamTests(ApiFixture api, ITestOutputHelper output) : IClassFixture<ApiFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TheSnapshotComesFirstThenEveryChangeArrivesLive()
    {
        var owner = Guid.NewGuid();
        var id = await StatusApiSteps.ProvisionedAsync(api.Services, owner);
        await ProjectedAsync(id, "running");

        await using var stream = await OpenAsync(api.CreateClientAs(owner));
        var snapshot = await stream.NextAsync(Patience);
        Assert.Equal("snapshot", snapshot.Type);
        var container = Assert.Single(JsonDocument.Parse(snapshot.Data).RootElement.EnumerateArray());
        Assert.Equal((id, "running"), (container.GetProperty("containerId").GetGuid(), container.GetProperty("state").GetString()));

        var clock = Stopwatch.StartNew();
        await AppendAsync(id, new ContainerStopped("test", DateTimeOffset.UtcNow));
        var change = await stream.NextAsync(Patience);
        output.WriteLine($"change arrived {clock.ElapsedMilliseconds} ms after its append (projection, publisher, Redis pub/sub, stream)");

        Assert.Equal("status", change.Type);
        var status = JsonDocument.Parse(change.Data).RootElement;
        Assert.Equal((id, "stopped"), (status.GetProperty("containerId").GetGuid(), status.GetProperty("lifecycle").GetString()));
        Assert.True(Cursor(change) > Cursor(snapshot));
    }

    [Fact]
    public async Task AReconnectWithLastEventIdGetsWhatItMissedAndNothingOlder()
    {
        var owner = Guid.NewGuid();
        var (a, b, untouched) = (await StatusApiSteps.ProvisionedAsync(api.Services, owner), await StatusApiSteps.ProvisionedAsync(api.Services, owner),
            await StatusApiSteps.ProvisionedAsync(api.Services, owner));
        foreach (var id in new[] { a, b, untouched }) await ProjectedAsync(id, "running");
        var client = api.CreateClientAs(owner);

        string lastId;
        await using (var first = await OpenAsync(client))
            lastId = (await first.NextAsync(Patience)).Id!;
        // While the client is away: two containers change.
        await AppendAsync(a, new ContainerStopped("test", DateTimeOffset.UtcNow));
        await AppendAsync(b, new AgentWentOffline(DateTimeOffset.UtcNow));
        await ProjectedAsync(b, "offline");

        var request = new HttpRequestMessage(HttpMethod.Get, "/api/servers/status/stream");
        request.Headers.Add("Last-Event-ID", lastId);
        await using var resumed = new EventStreamReader(await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead));
        var missed = new[] { await resumed.NextAsync(Patience), await resumed.NextAsync(Patience) };

        Assert.All(missed, e => Assert.Equal("status", e.Type));
        Assert.Equal(new[] { a, b }.Order(), missed.Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("containerId").GetGuid()).Order());
        Assert.True(Cursor(missed[0]) > Parse(lastId));
        Assert.True(Cursor(missed[1]) > Cursor(missed[0]));

        // Then live, with nothing repeated in between: the next event is the next change.
        await AppendAsync(untouched, new ContainerStopped("test", DateTimeOffset.UtcNow));
        var live = await resumed.NextAsync(Patience);
        Assert.Equal(untouched, JsonDocument.Parse(live.Data).RootElement.GetProperty("containerId").GetGuid());
        Assert.True(Cursor(live) > Cursor(missed[1]));
    }

    [Fact]
    public async Task AStrangersStreamShowsNeitherTheSnapshotNorTheChangesOfMyContainers()
    {
        var (me, stranger) = (Guid.NewGuid(), Guid.NewGuid());
        var mine = await StatusApiSteps.ProvisionedAsync(api.Services, me);
        var theirs = await StatusApiSteps.ProvisionedAsync(api.Services, stranger);
        await ProjectedAsync(mine, "running");
        await ProjectedAsync(theirs, "running");

        await using var stream = await OpenAsync(api.CreateClientAs(stranger, "stranger"));
        var snapshot = JsonDocument.Parse((await stream.NextAsync(Patience)).Data).RootElement;
        Assert.Equal([theirs], snapshot.EnumerateArray().Select(s => s.GetProperty("containerId").GetGuid()));

        await AppendAsync(mine, new ContainerStopped("test", DateTimeOffset.UtcNow));
        await ProjectedAsync(mine, "stopped", column: "doc->>'lifecycle'");
        await AppendAsync(theirs, new ContainerStopped("test", DateTimeOffset.UtcNow));
        // Changes arrive in log order: had mine been let through, it would come first.
        var next = await stream.NextAsync(Patience);
        Assert.Equal(theirs, JsonDocument.Parse(next.Data).RootElement.GetProperty("containerId").GetGuid());
    }

    [Fact]
    public async Task AStreamTokenOpensTheStreamForItsMinuteAndNothingElse()
    {
        var owner = Guid.NewGuid();
        var id = await StatusApiSteps.ProvisionedAsync(api.Services, owner);
        await ProjectedAsync(id, "running");
        var issued = await (await api.ScenarioAs(owner, x => x.Post.Url("/api/servers/status/stream-token"))).ReadAsJsonAsync<JsonElement>();
        var token = issued.GetProperty("token").GetString()!;
        Assert.InRange(issued.GetProperty("expiresAt").GetDateTimeOffset() - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(61));
        var anonymous = api.CreateClient();

        // EventSource reconnects to the same URL: the token opens the stream more than once within its lifetime.
        for (var i = 0; i < 2; i++)
        {
            await using var stream = new EventStreamReader(await anonymous.GetAsync(issued.GetProperty("url").GetString(), HttpCompletionOption.ResponseHeadersRead));
            var snapshot = await stream.NextAsync(Patience);
            Assert.Equal(id, JsonDocument.Parse(snapshot.Data).RootElement[0].GetProperty("containerId").GetGuid());
        }

        // …and nothing else: not an API route, and an access token is no stream token.
        await api.SendAsync(token, x => x.Get.Url("/api/servers"), HttpStatusCode.Unauthorized);
        var accessToken = api.TokenFor(owner);
        await RefusedAsync($"/api/servers/status/stream?token={accessToken}", HttpStatusCode.Unauthorized);
        await RefusedAsync("/api/servers/status/stream", HttpStatusCode.Unauthorized);

        api.Clock.Advance(StatusStreamApiLifetime + TimeSpan.FromMinutes(1));
        try
        {
            await RefusedAsync(issued.GetProperty("url").GetString()!, HttpStatusCode.Unauthorized);
        }
        finally
        {
            api.Clock.Advance(-(StatusStreamApiLifetime + TimeSpan.FromMinutes(1)));
        }
    }

    [Fact]
    public async Task AMalformedLastEventIdIsABadRequest()
    {
        await api.ScenarioAs(Guid.NewGuid(), x =>
        {
            x.Get.Url("/api/servers/status/stream?lastEventId=yesterday");
            x.ProblemShouldBe(HttpStatusCode.BadRequest);
        });
    }

    [Fact]
    public async Task AnAdminSeesEveryonesContainers()
    {
        var (a, b) = (await StatusApiSteps.ProvisionedAsync(api.Services, Guid.NewGuid()), await StatusApiSteps.ProvisionedAsync(api.Services, Guid.NewGuid()));
        await ProjectedAsync(a, "running");
        await ProjectedAsync(b, "running");

        await using var stream = await OpenAsync(api.CreateClientAs(Guid.NewGuid(), "root", Role.Admin));
        var ids = JsonDocument.Parse((await stream.NextAsync(Patience)).Data).RootElement.EnumerateArray().Select(s => s.GetProperty("containerId").GetGuid()).ToList();
        Assert.Contains(a, ids);
        Assert.Contains(b, ids);
    }

    private static readonly TimeSpan StatusStreamApiLifetime = Api.Status.Stream.StatusStreamApi.TokenLifetime;

    private static async Task<EventStreamReader> OpenAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/servers/status/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new EventStreamReader(response);
    }

    /// <summary>An anonymous GET of <paramref name="url"/> refused with a <paramref name="status"/> problem (a stream opened instead would never end: the run's hang timeout catches it, as it caught a buffered HttpClient read before).</summary>
    private Task RefusedAsync(string url, HttpStatusCode status) =>
        api.Scenario(x =>
        {
            x.Get.Url(url);
            x.ProblemShouldBe(status);
        });

    private Task AppendAsync(Guid id, object @event) =>
        api.Services.GetRequiredService<IEventStore>().AppendAsync(Container.StreamId(id), ExpectedVersion.Any, [@event], EventMetadata.None);

    /// <summary>Waits until the status projection shows <paramref name="expected"/> for the container.</summary>
    private Task ProjectedAsync(Guid id, string expected, string column = "state") =>
        StatusSteps.EventuallyAsync(async () =>
        {
            await using var command = api.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().CreateCommand($"SELECT {column} FROM container_status WHERE id = @id");
            command.Parameters.AddWithValue("id", id);
            return await command.ExecuteScalarAsync() as string == expected ? "" : null;
        }, $"container {id} projected as {expected}");

    private static Projections.Status.StatusCursor Cursor(ServerSentEvent e) => Parse(e.Id!);

    private static Projections.Status.StatusCursor Parse(string id) =>
        Projections.Status.StatusCursor.TryParse(id, out var cursor) ? cursor : throw new FormatException($"event id '{id}'");
}

/// <summary>Without Redis the stream still works: a snapshot, then changes read from PostgreSQL every couple of seconds.</summary>
public sealed class StatusStreamWithoutRedisTests(UnreachableRedisApi api) : IClassFixture<UnreachableRedisApi>
{
    [Fact]
    public async Task ChangesStillArriveFromPostgres()
    {
        var owner = Guid.NewGuid();
        var id = await StatusApiSteps.ProvisionedAsync(api.Services, owner);
        await StatusSteps.EventuallyAsync(() => StatusApiSteps.StoredStateAsync(api.Services, id), "the status row");
        var client = api.CreateClientAs(owner);

        await using var stream = new EventStreamReader(await client.GetAsync("/api/servers/status/stream", HttpCompletionOption.ResponseHeadersRead));
        var snapshot = await stream.NextAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(id, JsonDocument.Parse(snapshot.Data).RootElement[0].GetProperty("containerId").GetGuid());
        await api.Services.GetRequiredService<IEventStore>().AppendAsync(Container.StreamId(id), ExpectedVersion.Any,
            [new ContainerStopped("test", DateTimeOffset.UtcNow)], EventMetadata.None);

        var change = await stream.NextAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(("status", "stopped"), (change.Type, JsonDocument.Parse(change.Data).RootElement.GetProperty("lifecycle").GetString()));
    }
}
