using System.Net;
using Alba;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using ZeroLagHub.Api.Agents.Polling;
using ZeroLagHub.Api.Artifacts;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Tests.Audit;
using ZeroLagHub.Api.Tests.Status;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Decisions;
using ZeroLagHub.Domain.Deployments;
using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Api.Tests.Operations;

/// <summary>/api/admin: projection status and rebuild, dead letters, on the real daemon and message worker; agents by poller node.</summary>
public sealed class OperationsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private string Admin() => api.TokenFor(Guid.NewGuid(), "operator", Role.User, Role.Admin);

    [Fact]
    public async Task OnlyAdminsOperate()
    {
        var auditor = api.TokenFor(Guid.NewGuid(), "auditor", Role.User, Role.Auditor);
        await api.SendAsync(auditor, x => x.Get.Url("/api/admin/projections"), HttpStatusCode.Forbidden);
        await api.SendAsync(auditor, x => x.Post.Url("/api/admin/projections/deployment_history/rebuild"), HttpStatusCode.Forbidden);
        await api.SendAsync(auditor, x => x.Get.Url("/api/admin/deadletters"), HttpStatusCode.Forbidden);
        var admin = Admin();
        await api.ProblemShouldSayAsync(admin, x => x.Post.Url("/api/admin/projections/nope/rebuild"), HttpStatusCode.NotFound,
            "there are: container_directory, container_status, crash_history, deployment_history");
    }

    [Fact]
    public async Task ProjectionsShowTheirPositionAndLag()
    {
        await api.AppendContainerHistoryAsync(Guid.NewGuid());
        var admin = Admin();

        var all = await api.GetJsonAsync(admin, "/api/admin/projections");

        var names = all.EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(["container_directory", "container_status", "crash_history", "deployment_history"], names);
        Assert.All(all.EnumerateArray(), p =>
        {
            Assert.True(p.GetProperty("eventsBehind").GetInt64() >= 0);
            Assert.False(string.IsNullOrEmpty(p.GetProperty("state").GetString()));
            Assert.True(p.TryGetProperty("heldBackBy", out _));
        });
    }

    [Theory]
    [InlineData("container_directory", "containers")]
    [InlineData("deployment_history", "deployments")]
    public async Task ARebuildGivesTheSameRowsAsTheLiveProjection(string projection, string view)
    {
        for (var i = 0; i < 3; i++) await QueueDeploymentAsync(await api.AppendContainerHistoryAsync(Guid.NewGuid()));
        var admin = Admin();
        var before = await WaitForAsync(admin, projection, generation: null);
        var live = await RowsAsync(view);

        var response = await api.ScenarioWithToken(admin, x =>
        {
            x.Post.Url($"/api/admin/projections/{projection}/rebuild");
            x.StatusCodeShouldBe(HttpStatusCode.Accepted);
            x.Header("Location").SingleValueShouldEqual($"/api/admin/projections/{projection}");
        });
        var generation = (await response.ReadAsJsonAsync<JsonElement>()).GetProperty("generation").GetInt32();
        var after = await WaitForAsync(admin, projection, generation);

        Assert.True(generation > before.GetProperty("generation").GetInt32());
        Assert.Equal(generation, after.GetProperty("generation").GetInt32());
        Assert.NotEmpty(live);
        Assert.Equal(live, await RowsAsync(view));
    }

    [Fact]
    public async Task ADeadLetterIsListedReplayedUnderItsIdAndDiscarded()
    {
        // A message of a type nobody handles, as Wolverine stores its dead letters.
        var id = Guid.NewGuid();
        await PlantedDeadLetter.PlantAsync(api.Services, id);
        var admin = Admin();

        var first = await WaitForDeadLetterAsync(admin, id, replayed: false);
        Assert.Contains(PlantedDeadLetter.Error, first.GetProperty("error").GetString());
        Assert.Equal("{}", first.GetProperty("data").GetString());
        await api.SendAsync(admin, x => x.Post.Url($"/api/admin/deadletters/{id}/replay"), HttpStatusCode.Accepted);
        // Delivered again under the same id, and given up again: back with Wolverine's own error.
        var again = await WaitForDeadLetterAsync(admin, id, replayed: true);
        Assert.Equal(id, again.GetProperty("id").GetGuid());

        await api.SendAsync(admin, x => x.Delete.Url($"/api/admin/deadletters/{id}"), HttpStatusCode.NoContent);
        var list = await api.GetJsonAsync(admin, "/api/admin/deadletters?type=test.unreadable");
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), d => d.GetProperty("id").GetGuid() == id);
        await api.ProblemShouldSayAsync(admin, x => x.Delete.Url($"/api/admin/deadletters/{id}"), HttpStatusCode.NotFound, "no dead letter");
        await api.ProblemShouldSayAsync(admin, x => x.Post.Url($"/api/admin/deadletters/{id}/replay"), HttpStatusCode.NotFound, "no dead letter");
        await api.ProblemShouldSayAsync(admin, x => x.Get.Url("/api/admin/deadletters?after=garbage"), HttpStatusCode.BadRequest, "not a cursor");
    }

    [Fact]
    public async Task PollersShowEachLiveNodeWithItsShardsItsAgentsAndThoseRecordedOffline()
    {
        // A ready container in every shard, each with an agent that never answers (the local host has none of them).
        var containers = new Dictionary<int, Guid>();
        while (containers.Count < PollShards.Count)
        {
            var id = Guid.NewGuid();
            if (containers.TryAdd(PollShards.Of(id), id)) await api.StandInAsync(ContainerKind.Dev, Guid.NewGuid(), id);
        }
        await using var a = PollerNode("ops-node-a");
        await using var b = PollerNode("ops-node-b");
        await a.PollOnceAsync(default);           // alone: every shard, every agent's first failed poll
        await b.PollOnceAsync(default);           // joins: every shard is held
        await a.PollOnceAsync(default);           // gives back half; its own agents' second failed poll: offline
        await b.PollOnceAsync(default);           // takes the other half: a first failed poll, still online
        var admin = Admin();

        var pollers = await api.GetJsonAsync(admin, "/api/admin/pollers");

        var nodes = pollers.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("node").GetString()!);
        Assert.Equal(["ops-node-a", "ops-node-b"], nodes.Keys.ToList());
        var (shardsA, shardsB) = (Shards(nodes["ops-node-a"]), Shards(nodes["ops-node-b"]));
        Assert.Equal(a.Assignment.Shards, shardsA);
        Assert.Equal(b.Assignment.Shards, shardsB);
        Assert.Equal(PollShards.Count / 2, shardsA.Count);
        Assert.Empty(shardsA.Intersect(shardsB));
        Assert.Equal(Enumerable.Range(0, PollShards.Count), shardsA.Union(shardsB).Order());
        Assert.Empty(pollers.GetProperty("unheldShards").EnumerateArray());
        Assert.Equal(0, pollers.GetProperty("unpolledAgents").GetInt32());
        Assert.Equal(a.Assignment.Containers.Count, nodes["ops-node-a"].GetProperty("agents").GetInt32());
        Assert.Equal(b.Assignment.Containers.Count, nodes["ops-node-b"].GetProperty("agents").GetInt32());
        Assert.True(nodes["ops-node-a"].GetProperty("agents").GetInt32() >= PollShards.Count / 2);
        var offlineA = nodes["ops-node-a"].GetProperty("offline").EnumerateArray().Select(o => o.GetGuid()).ToHashSet();
        var offlineB = nodes["ops-node-b"].GetProperty("offline").EnumerateArray().Select(o => o.GetGuid()).ToHashSet();
        Assert.Superset(shardsA.Select(s => containers[s]).ToHashSet(), offlineA);
        Assert.Empty(offlineB.Intersect(containers.Values));
        Assert.NotEqual(nodes["ops-node-a"].GetProperty("backendPid").GetInt32(), nodes["ops-node-b"].GetProperty("backendPid").GetInt32());

        // Node a stops: only b is listed, a's shards are held by nobody until b's next cycle.
        await a.DisposeAsync();
        var after = await StatusSteps.EventuallyAsync(async () =>
        {
            var now = await api.GetJsonAsync(admin, "/api/admin/pollers");
            return now.GetProperty("nodes").GetArrayLength() == 1 ? (object)now : null;
        }, "node a to leave the list");
        var left = (JsonElement)after;
        Assert.Equal("ops-node-b", left.GetProperty("nodes")[0].GetProperty("node").GetString());
        Assert.Equal(shardsA, left.GetProperty("unheldShards").EnumerateArray().Select(s => s.GetInt32()).ToList());
        Assert.True(left.GetProperty("unpolledAgents").GetInt32() >= PollShards.Count / 2);

        var auditor = api.TokenFor(Guid.NewGuid(), "auditor", Role.User, Role.Auditor);
        await api.ProblemShouldSayAsync(auditor, x => x.Get.Url("/api/admin/pollers"), HttpStatusCode.Forbidden, "does not have the role");
    }

    private static List<int> Shards(JsonElement node) => [.. node.GetProperty("shards").EnumerateArray().Select(s => s.GetInt32())];

    private AgentPoller PollerNode(string name) => new(api.Services.GetRequiredService<NpgsqlDataSource>(),
        api.Services.GetRequiredService<IEventStore>(), api.Services.GetRequiredService<IContainerHost>(), api.Services.GetRequiredService<AgentProbe>(),
        new NoLastSeen(), api.Services.GetRequiredService<IOptions<PollerOptions>>(), TimeProvider.System, NullLogger<AgentPoller>.Instance, name);

    private async Task QueueDeploymentAsync(Guid container)
    {
        var deployment = Guid.NewGuid();
        var context = new DecisionContext(DateTimeOffset.UtcNow, api.Services.GetRequiredService<ArtifactCatalog>().Current(), new Actor("tester"));
        var queued = Deployment.Decide(DeploymentState.Initial, new QueueDeployment(deployment, container, AuditSteps.Spec()), context);
        Assert.Null(queued.Rejection);
        await api.Services.GetRequiredService<IEventStore>().AppendAsync(Deployment.StreamId(deployment), ExpectedVersion.NoStream, [.. queued.Events]);
    }

    /// <summary>Polls the projection until it runs on <paramref name="generation"/> (any when null) and has caught up.</summary>
    private async Task<JsonElement> WaitForAsync(string admin, string projection, int? generation)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement status = default;
        while (DateTime.UtcNow < deadline)
        {
            status = await api.GetJsonAsync(admin, $"/api/admin/projections/{projection}");
            if ((generation is null || status.GetProperty("generation").GetInt32() == generation)
                && status.GetProperty("rebuild").ValueKind == JsonValueKind.Null
                && status.GetProperty("eventsBehind").GetInt64() == 0)
                return status;
            await Task.Delay(100);
        }
        throw new TimeoutException($"{projection} did not settle: {status}");
    }

    /// <param name="replayed">Wait for the dead letter Wolverine wrote after a replay, not the planted one.</param>
    private async Task<JsonElement> WaitForDeadLetterAsync(string admin, Guid id, bool replayed)
    {
        // Wolverine's durability agent moves a replayed letter back into the inbox on its polling cycle.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var page = await api.GetJsonAsync(admin, "/api/admin/deadletters?type=test.unreadable&limit=10");
            var found = page.GetProperty("items").EnumerateArray().Where(d => d.GetProperty("id").GetGuid() == id).ToList();
            if (found.Count == 1 && found[0].GetProperty("error").GetString()!.Contains(PlantedDeadLetter.Error) != replayed) return found[0];
            await Task.Delay(100);
        }
        throw new TimeoutException($"dead letter {id} did not appear");
    }

    private async Task<List<string>> RowsAsync(string view)
    {
        await using var command = api.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            $"SELECT to_jsonb(t)::text FROM {view} t ORDER BY to_jsonb(t)::text");
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }
}
