using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using ZeroLagHub.Api.Agents.Polling;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Tests.Proxmox;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Servers;
using ZeroLagHub.Projections.Events;
using static ZeroLagHub.Api.Tests.Status.StatusSteps;

namespace ZeroLagHub.Api.Tests.Status;

/// <summary>
/// The poller against real agents on the local host and real PostgreSQL: transitions, journal
/// ingestion across an agent restart, crash status and history, the projections' rebuilds, and one
/// agent's failure staying with that agent.
/// </summary>
/// <remarks>
/// Crashes here come from journal entries appended (in the agent's format) while the agent is stopped,
/// so a test can choose their exact sequence, classifications and timing; everything after the journal
/// file is the real path. A real stand-in game server crashing under the local host is GameCrashTests.
/// </remarks>
public sealed class PollerTests(PollerFixture api) : IClassFixture<PollerFixture>
{
    private NpgsqlDataSource Db => api.Services.GetRequiredService<NpgsqlDataSource>();

    [Fact]
    public async Task AKilledAgentIsOfflineAfterTwoFailedPollsAndAfterItsRestartTheEntriesItWroteArriveOnce()
    {
        var id = await api.ProvisionedAsync(ContainerKind.Game);
        await api.Poller.PollOnceAsync(default);
        Assert.Empty(await api.LaterEventsAsync(id));

        // Entries written after the last successful poll, then the agent dies before the next one.
        await api.Host.StopAsync(id, new StageLog(), default);
        api.Journal(id, Line("server.running", new { pid = 1 }), Crashed(CrashClassification.NonzeroExit, 1, null, "Exception in server tick loop"),
            Line("server.restart_scheduled", new { delaySeconds = 30.0, attempt = 1 }));

        await api.Poller.PollOnceAsync(default);
        Assert.Empty(await api.LaterEventsAsync(id));                  // one failed poll is a blip
        await api.Poller.PollOnceAsync(default);
        Assert.IsType<AgentWentOffline>(Assert.Single(await api.LaterEventsAsync(id)));
        Assert.Contains(id, api.Poller.Assignment.Offline);
        await api.Poller.PollOnceAsync(default);
        Assert.Single(await api.LaterEventsAsync(id));                 // offline is a transition, not a repeated report

        await api.Host.StartAsync(id, new StageLog(), default);
        await api.Poller.PollOnceAsync(default);
        await api.Poller.PollOnceAsync(default);
        await api.Poller.DisposeAsync();                                 // this node stops and frees its shards…
        await using (var restartedApi = api.NewNode("restarted-api"))   // …for a fresh one: no memory, only the stored cursor
            await restartedApi.PollOnceAsync(default);

        var events = await api.LaterEventsAsync(id);
        Assert.Equal([typeof(AgentWentOffline), typeof(AgentRestarted), typeof(ServerStarted), typeof(ServerCrashed), typeof(RestartScheduled)],
            events.Select(e => e.GetType()));
        var journal = await api.JournalPageAsync(id);
        Assert.Equal(journal.LatestSeq, (long)(await Scalar("SELECT seq FROM zlh.journal_cursors WHERE container_id = @id", id))!);
        Assert.Equal(journal.JournalId, (Guid)(await Scalar("SELECT journal_id FROM zlh.journal_cursors WHERE container_id = @id", id))!);
    }

    [Fact]
    public async Task ACrashJournalledByTheAgentShowsInStatusAndCrashHistoryWithItsClassificationAndRestart()
    {
        var id = await api.ProvisionedAsync(ContainerKind.Game);
        await api.Host.StopAsync(id, new StageLog(), default);
        api.Journal(id, Line("server.running", new { pid = 1 }),
            Crashed(CrashClassification.Oom, null, 9, "Loading world", "Killed"),
            Line("server.restart_scheduled", new { delaySeconds = 30.0, attempt = 1 }),
            Line("server.running", new { pid = 2 }),
            Crashed(CrashClassification.Oom, null, 9, "Killed"),
            Line("server.restart_scheduled", new { delaySeconds = 60.0, attempt = 2 }));
        await api.Host.StartAsync(id, new StageLog(), default);

        await api.Poller.PollOnceAsync(default);

        var status = JsonSerializer.Deserialize<JsonElement>(await EventuallyAsync(async () =>
            await Scalar("SELECT doc::text FROM container_status WHERE id = @id AND state = 'restarting'", id) as string,
            "the status to show the restart"));
        Assert.Equal(2, status.GetProperty("restartCount").GetInt32());
        Assert.Equal("oom", status.GetProperty("lastCrash").GetProperty("classification").GetString());
        Assert.Equal(9, status.GetProperty("lastCrash").GetProperty("signal").GetInt32());
        Assert.True(status.GetProperty("agentOnline").GetBoolean());

        await EventuallyAsync(async () => await Scalar("SELECT crashes FROM crash_counts WHERE container_id = @id AND classification = 'oom'", id)
            is 2 ? (object)2 : null, "both crashes counted");
        Assert.Equal(2L, await Scalar("SELECT count(*) FROM crash_history WHERE container_id = @id AND signal = 9 AND exit_code IS NULL", id));
        Assert.Equal("Loading world|Killed",
            await Scalar("SELECT array_to_string(log_tail, '|') FROM crash_history WHERE container_id = @id ORDER BY position LIMIT 1", id));
    }

    [Fact]
    public async Task AJournalWithANewIdIsRecordedAsAResetAndIngestedFromItsFirstEntry()
    {
        var id = await api.ProvisionedAsync(ContainerKind.Game);
        await api.Host.StopAsync(id, new StageLog(), default);
        api.Journal(id, Line("server.running", new { pid = 1 }), Line("server.stopped", new { pid = 1, exitCode = 0 }));
        await api.Host.StartAsync(id, new StageLog(), default);
        await api.Poller.PollOnceAsync(default);

        await api.Host.StopAsync(id, new StageLog(), default);
        api.ReplaceJournal(id);
        api.Journal(id, Line("server.running", new { pid = 7 }));
        await api.Host.StartAsync(id, new StageLog(), default);
        await api.Poller.PollOnceAsync(default);
        await api.Poller.PollOnceAsync(default);

        var events = await api.LaterEventsAsync(id);
        Assert.Equal([typeof(AgentRestarted), typeof(ServerStarted), typeof(ServerStopped), typeof(AgentRestarted), typeof(AgentJournalReset), typeof(ServerStarted)],
            events.Select(e => e.GetType()));
        var reset = events.OfType<AgentJournalReset>().Single();
        Assert.Equal((2L, 1L), (reset.PreviousSeq, reset.LatestSeq));
        Assert.Equal((await api.JournalPageAsync(id)).JournalId, reset.JournalId);
    }

    [Fact]
    public async Task TwoNodesSplitTheShardsWithoutOverlapAndOneTakesOverWhenTheOtherStops()
    {
        var containers = new List<Guid>();
        for (var i = 0; i < 3; i++) containers.Add(await api.ProvisionedAsync(ContainerKind.Dev));
        await api.Poller.DisposeAsync();          // the fixture's own node frees its shards for the two below
        await using var b = api.NewNode("node-b");
        await using var a = api.NewNode("node-a");

        // Alone: takes every shard, once the server has ended the fixture node's session (a closed connection's
        // backend exits, and frees its locks, after the client has gone on).
        await TakesEveryShardAsync(a);
        await b.PollOnceAsync(default);           // joins: every shard is held
        Assert.Empty(b.Assignment.Shards);
        await a.PollOnceAsync(default);           // sees two nodes: gives back the shards over its share
        await b.PollOnceAsync(default);           // takes them

        Assert.Equal(PollShards.Count / 2, a.Assignment.Shards.Count);
        Assert.Equal(PollShards.Count / 2, b.Assignment.Shards.Count);
        Assert.Empty(a.Assignment.Shards.Intersect(b.Assignment.Shards));
        Assert.Empty(a.Assignment.Containers.Intersect(b.Assignment.Containers));
        Assert.Superset(containers.ToHashSet(), a.Assignment.Containers.Union(b.Assignment.Containers).ToHashSet());
        Assert.All(a.Assignment.Containers, c => Assert.Contains(PollShards.Of(c), a.Assignment.Shards));

        await a.DisposeAsync();                   // node a stops: its session and its locks end
        await TakesEveryShardAsync(b);
        Assert.Superset(containers.ToHashSet(), b.Assignment.Containers.ToHashSet());
    }

    /// <summary>Polls <paramref name="node"/> until it holds every shard: what a stopped node held is free once its session ends.</summary>
    private static Task<object> TakesEveryShardAsync(AgentPoller node) =>
        EventuallyAsync(async () =>
        {
            await node.PollOnceAsync(default);
            return node.Assignment.Shards.Count == PollShards.Count ? (object)true : null;
        }, "the node to hold every shard");

    [Fact]
    public async Task OneAgentsFailureStaysWithThatAgentAndTheOthersAreStillPolledAndTheirFactsRecorded()
    {
        // A real agent recorded offline earlier: this cycle must record it back.
        var healthy = await api.ProvisionedAsync(ContainerKind.Dev);
        await api.Store.AppendAsync(Container.StreamId(healthy), ExpectedVersion.Any, [new AgentWentOffline(DateTimeOffset.UtcNow)], EventMetadata.None);
        // Stand-ins: one the host cannot locate (it throws), one answering a journal page without entries (and a
        // new instance id), one whose first journal entry has no data.
        await using var scripted = await ScriptedAgents.StartAsync();
        var lost = await api.StandInAsync(ContainerKind.Game, Guid.NewGuid());
        var noEntries = await api.StandInAsync(ContainerKind.Game, Guid.NewGuid());
        var instance = Guid.NewGuid();
        var noData = await api.StandInAsync(ContainerKind.Game, instance);
        var at = DateTimeOffset.UtcNow.ToString("O");
        scripted.Agents[noEntries] = (Guid.NewGuid(), $$"""{"journalId":"{{Guid.NewGuid()}}","latestSeq":1,"entries":null}""");
        scripted.Agents[noData] = (instance, $$$"""
            {"journalId":"{{{Guid.NewGuid()}}}","latestSeq":2,"entries":[
              {"seq":1,"at":"{{{at}}}","kind":"server.crashed"},
              {"seq":2,"at":"{{{at}}}","kind":"server.running","data":{"pid":7}}]}
            """);
        var log = new CapturingLogger<AgentPoller>();
        await api.Poller.DisposeAsync();           // the node below polls every shard
        await using var node = api.NewNode("node-with-broken-agents", new PartlyScriptedHost(api.Host, scripted, lost), log: log);

        var first = await node.PollOnceAsync(default);
        await node.PollOnceAsync(default);

        Assert.Equal([typeof(AgentWentOffline), typeof(AgentCameBack)], (await api.LaterEventsAsync(healthy)).Select(e => e.GetType()));
        // The host's error is a failed poll of that agent only: twice is offline.
        Assert.True(first.Unreachable >= 1);
        Assert.Equal(0, first.Failed);
        Assert.IsType<AgentWentOffline>(Assert.Single(await api.LaterEventsAsync(lost)));
        Assert.Contains(lost, node.Assignment.Offline);
        Assert.Contains(log.Lines, l => l.Contains(lost.ToString(), StringComparison.Ordinal) && l.Contains("host exploded", StringComparison.Ordinal));
        // An unreadable page: the agent's presence is still recorded, its journal cursor does not move.
        Assert.IsType<AgentRestarted>(Assert.Single(await api.LaterEventsAsync(noEntries)));
        Assert.Equal(0L, await Scalar("SELECT seq FROM zlh.journal_cursors WHERE container_id = @id", noEntries));
        Assert.Contains(log.Lines, l => l.Contains(noEntries.ToString(), StringComparison.Ordinal) && l.Contains("journal page after 0 is unreadable", StringComparison.Ordinal));
        // An unreadable entry is skipped; the next one is recorded.
        Assert.IsType<ServerStarted>(Assert.Single(await api.LaterEventsAsync(noData)));
        Assert.Equal(2L, await Scalar("SELECT seq FROM zlh.journal_cursors WHERE container_id = @id", noData));
        Assert.Contains(log.Lines, l => l.Contains(noData.ToString(), StringComparison.Ordinal) && l.Contains("journal entry 1 (server.crashed) is unreadable", StringComparison.Ordinal));
        Assert.DoesNotContain(healthy, node.Assignment.Offline);
    }

    [Fact]
    public async Task TheServiceSurvivesACycleThatFailsAndPollsAgainNextPeriod()
    {
        var log = new CapturingLogger<PollerService>();
        var clock = new BreakingClock { Breaks = 1 };   // the first cycle throws what no catch in the poller expects
        await api.Poller.DisposeAsync();
        await using var node = api.NewNode("node-of-the-service", time: clock);
        using var service = new PollerService(node, Options.Create(new PollerOptions { Period = TimeSpan.FromMilliseconds(200) }), clock, log);

        await service.StartAsync(default);
        try
        {
            await EventuallyAsync(() => Task.FromResult<object?>(node.Assignment.CycleAt), "a cycle after the failed one", seconds: 15);

            Assert.False(service.ExecuteTask!.IsCompleted);
            Assert.Contains(log.Lines, l => l.StartsWith("Error Poll cycle failed", StringComparison.Ordinal) && l.Contains("clock broke", StringComparison.Ordinal));
        }
        finally
        {
            await service.StopAsync(default);
        }
    }

    /// <summary>The local host, except that <see cref="ScriptedAgents"/> answer for their containers and locating <c>lost</c> throws.</summary>
    private sealed class PartlyScriptedHost(IContainerHost local, ScriptedAgents scripted, Guid lost) : IContainerHost
    {
        public Task<HostedContainer> CreateAsync(ContainerPlan plan, StageLog log, CancellationToken ct) => local.CreateAsync(plan, log, ct);
        public Task StartAsync(Guid containerId, StageLog log, CancellationToken ct) => local.StartAsync(containerId, log, ct);
        public Task StopAsync(Guid containerId, StageLog log, CancellationToken ct) => local.StopAsync(containerId, log, ct);
        public Task DeleteAsync(Guid containerId, StageLog log, CancellationToken ct) => local.DeleteAsync(containerId, log, ct);

        public ValueTask<AgentEndpoint?> FindAgentAsync(Guid containerId, CancellationToken ct) =>
            containerId == lost ? throw new InvalidOperationException("host exploded")
            : scripted.Agents.ContainsKey(containerId) ? ValueTask.FromResult<AgentEndpoint?>(scripted.EndpointOf(containerId))
            : local.FindAgentAsync(containerId, ct);
    }

    /// <summary>The system clock, whose next <see cref="Breaks"/> readings throw.</summary>
    private sealed class BreakingClock : TimeProvider
    {
        public int Breaks;

        public override DateTimeOffset GetUtcNow() =>
            Interlocked.Decrement(ref Breaks) >= 0 ? throw new InvalidOperationException("clock broke") : base.GetUtcNow();
    }

    [Theory]
    [InlineData("container_status")]
    [InlineData("crash_history")]
    public async Task ARebuildGivesTheSameRowsAsTheLiveProjection(string projection)
    {
        var id = await api.ProvisionedAsync(ContainerKind.Game);
        await api.Host.StopAsync(id, new StageLog(), default);
        api.Journal(id, Line("server.running", new { pid = 1 }), Crashed(CrashClassification.MissingDependency, 1, null, "NoClassDefFoundError"),
            Line("server.restart_scheduled", new { delaySeconds = 30.0, attempt = 1 }), Crashed(CrashClassification.Oom, null, 9, "Killed"),
            Line("server.error", new { consecutiveCrashes = 4, lastClassification = "oom" }));
        await api.Host.StartAsync(id, new StageLog(), default);
        await api.Poller.PollOnceAsync(default);
        var admin = api.Services.GetRequiredService<ZeroLagHub.Api.ReadModels.ReadModelAdmin>();
        var tables = projection == "container_status" ? new[] { "container_status" } : ["crash_history", "crash_counts"];

        await EventuallyAsync(async () => await Scalar("SELECT state FROM container_status WHERE id = @id", id) is "error" &&
            (await admin.StatusAsync(projection)).EventsBehind == 0 ? (object)true : null, "the live projection to catch up");
        var live = await RowsAsync(tables);
        var generation = await admin.RebuildAsync(projection, "test");
        await EventuallyAsync(async () => (await admin.StatusAsync(projection)) is { Generation: var g, Rebuild: null } && g == generation
            ? (object)true : null, "the rebuilt generation to go live", seconds: 60);

        Assert.Contains(id.ToString(), live);
        Assert.Equal(live, await RowsAsync(tables));
    }

    private async Task<string> RowsAsync(string[] tables)
    {
        var rows = new List<string>();
        foreach (var table in tables)
            rows.Add((string)(await Scalar($"SELECT coalesce(string_agg(to_jsonb(t)::text, E'\\n' ORDER BY to_jsonb(t)::text), '') FROM {table} t", null))!);
        return string.Join("\n--\n", rows);
    }

    private async Task<object?> Scalar(string sql, Guid? id)
    {
        await using var command = Db.CreateCommand(sql);
        if (id is { } value) command.Parameters.AddWithValue("id", value);
        var result = await command.ExecuteScalarAsync();
        return result is DBNull ? null : result;
    }
}
