using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Api.Agents.Polling;

/// <summary>
/// One node's poller: each cycle polls the agents of the shards this node holds, turns what changed
/// into container events and reports each agent it reached to <see cref="ILastSeen"/>.
/// <see cref="PollerService"/> runs a cycle every period; tests call <see cref="PollOnceAsync"/>.
/// </summary>
/// <remarks>
/// Per agent: (1) <c>/health</c>; a failure counts towards offline (in memory: a new node starts from
/// zero, a restart of the cache changes nothing). (2) <c>/journal?after=</c> from the stored cursor,
/// read again from 0 when the journal id changed. (3) When a transition, a reset or entries are due:
/// events and cursor in one fenced transaction (<see cref="WriteAgentFacts"/>). Nothing is written when
/// nothing changed, so an idle cycle costs two queries and two requests per agent.
/// One agent's failure stays with that agent: a host that cannot say where it is counts as a failed poll;
/// a journal page or entry the poller cannot read is logged and left (the presence facts are still
/// written); any other error is logged with the container id, and the next cycle polls it again.
/// </remarks>
public sealed partial class AgentPoller : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IEventStore _store;
    private readonly IContainerHost _host;
    private readonly AgentProbe _probe;
    private readonly ILastSeen _lastSeen;
    private readonly PollerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AgentPoller> _log;
    private readonly ShardLeases _leases;
    private readonly ConcurrentDictionary<Guid, int> _failures = new();
    private volatile PollerAssignment _assignment;

    public AgentPoller(NpgsqlDataSource dataSource, IEventStore store, IContainerHost host, AgentProbe probe, ILastSeen lastSeen,
        IOptions<PollerOptions> options, TimeProvider time, ILogger<AgentPoller> log, string? nodeName = null)
    {
        (_dataSource, _store, _host, _probe, _lastSeen, _options, _time, _log) = (dataSource, store, host, probe, lastSeen, options.Value, time, log);
        Node = nodeName ?? $"{Environment.MachineName}:{Environment.ProcessId}";
        _leases = new ShardLeases(dataSource, Node);
        _assignment = PollerAssignment.None(Node);
    }

    public string Node { get; }

    /// <summary>What this node polled in its last cycle.</summary>
    public PollerAssignment Assignment => _assignment;

    /// <summary>One cycle: refresh the shards, then poll their agents with bounded concurrency.</summary>
    public async Task<PollCycle> PollOnceAsync(CancellationToken ct)
    {
        var startedAt = _time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        IReadOnlyCollection<int> shards;
        try
        {
            shards = await _leases.RefreshAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            LogLeasesLost(_log, Node, e.Message);
            _assignment = PollerAssignment.None(Node);
            return new PollCycle(0, 0, 0, 0, 0);
        }

        var agents = await ListPollableAgents.ExecuteAsync(_dataSource, shards, ct);
        var cursors = await ReadJournalCursors.ExecuteAsync(_dataSource, [.. agents.Select(a => a.ContainerId)], ct);
        int unreachable = 0, written = 0, fenced = 0, failed = 0;
        await Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = ct },
            async (agent, token) =>
            {
                (bool Reachable, int? Events) outcome;
                try
                {
                    outcome = await PollAsync(agent, cursors.GetValueOrDefault(agent.ContainerId) ?? JournalCursor.Start, token);
                }
                catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    // E.g. its events refused by an inline projection: the cursor moves only with them, so the next cycle reads them again.
                    LogPollFailed(_log, agent.ContainerId, e.GetType().Name, e.Message);
                    Interlocked.Increment(ref failed);
                    return;
                }
                if (!outcome.Reachable) Interlocked.Increment(ref unreachable);
                if (outcome.Events is { } events) Interlocked.Add(ref written, events);
                else Interlocked.Increment(ref fenced);
            });

        // Agents now polled elsewhere (or gone) start from zero failures if they come back to this node.
        var polled = agents.Select(a => a.ContainerId).ToHashSet();
        foreach (var id in _failures.Keys.Where(id => !polled.Contains(id))) _failures.TryRemove(id, out _);
        _assignment = new PollerAssignment(Node, [.. shards.Order()], [.. polled.Order()],
            [.. _failures.Where(f => f.Value > 0).Select(f => f.Key).Order()], startedAt, clock.Elapsed);
        return new PollCycle(agents.Count, unreachable, written, fenced, failed);
    }

    /// <summary>
    /// Polls one container's agent now, outside the cycle: called right after the agent carried out a
    /// command, so what it journalled (code-server started, server stopped…) shows without waiting for
    /// the next cycle. The same fenced write as a cycle's, so whichever of the two reads an entry first
    /// records it and the other finds the cursor moved: the journal stays the one source of these facts.
    /// Best effort: a failure is logged and the next cycle reads the same entries.
    /// </summary>
    public async Task PollNowAsync(Guid containerId, CancellationToken ct)
    {
        try
        {
            if (await ListPollableAgents.OneAsync(_dataSource, containerId, ct) is not { } agent) return;
            var cursors = await ReadJournalCursors.ExecuteAsync(_dataSource, [containerId], ct);
            await PollAsync(agent, cursors.GetValueOrDefault(containerId) ?? JournalCursor.Start, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPollNowFailed(_log, containerId, e.Message);
        }
    }

    /// <returns>Whether the agent answered, and how many events were written (null: fenced by another node).</returns>
    private async Task<(bool Reachable, int? Events)> PollAsync(PollableAgent agent, JournalCursor cursor, CancellationToken ct)
    {
        var id = agent.ContainerId;
        var now = _time.GetUtcNow();
        var (endpoint, health) = await ReachAsync(id, ct);
        if (health is null)
        {
            var failures = _failures.AddOrUpdate(id, 1, (_, n) => n + 1);
            if (AgentPresence.Decide(agent.Known, null, failures, now) is null) return (false, 0);
            return (false, await WriteAsync(id, cursor, cursor, known => Listed(AgentPresence.Decide(known, null, failures, now)), ct));
        }

        _failures[id] = 0;
        await ReportSeenAsync(new AgentSighting(id, health.InstanceId, health.UptimeSeconds, health.Version, now), ct);
        var journal = await ReadJournalAsync(id, endpoint!, cursor, now, ct);
        if (AgentPresence.Decide(agent.Known, health, 0, now) is null && journal.Next == cursor) return (true, 0);
        return (true, await WriteAsync(id, cursor, journal.Next,
            known => [.. Listed(AgentPresence.Decide(known, health, 0, now)), .. Listed(journal.Reset), .. journal.Facts], ct));
    }

    /// <summary>Where the agent listens and its <c>/health</c>; no health when it was not reached, including when the host cannot say where it is.</summary>
    private async Task<(AgentEndpoint? Endpoint, AgentHealth? Health)> ReachAsync(Guid id, CancellationToken ct)
    {
        try
        {
            var endpoint = await _host.FindAgentAsync(id, ct);
            return (endpoint, endpoint is null ? null : await _probe.HealthAsync(id, endpoint, _options.AgentTimeout, ct));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // E.g. the Proxmox node that holds it does not answer: the agent was not reached, a failed poll like a silent agent.
            LogHostFailed(_log, id, e.Message);
            return (null, null);
        }
    }

    /// <summary>Reads the journal from the cursor, page by page up to the cycle's limit.</summary>
    private async Task<(AgentJournalReset? Reset, List<object> Facts, JournalCursor Next)> ReadJournalAsync(Guid id, AgentEndpoint agent,
        JournalCursor cursor, DateTimeOffset now, CancellationToken ct)
    {
        AgentJournalReset? reset = null;
        var facts = new List<object>();
        for (var page = 0; page < _options.MaxPagesPerCycle; page++)
        {
            var read = await _probe.JournalAsync(agent, cursor.Seq, _options.JournalPageSize, _options.AgentTimeout, ct);
            if (read is not null && cursor.JournalId is { } known && known != read.JournalId)
                read = await _probe.JournalAsync(agent, 0, _options.JournalPageSize, _options.AgentTimeout, ct);
            if (read is null) break;

            JournalPlan plan;
            try
            {
                plan = JournalIngestion.Plan(cursor, read, now);
            }
            catch (Exception e)
            {
                // A page the agent sent but the poller cannot read (e.g. no entries list): the pages before it are
                // kept, this one is asked for again next cycle.
                LogUnreadablePage(_log, id, cursor.Seq, e.Message);
                break;
            }
            reset ??= plan.Reset;
            foreach (var entry in plan.Entries)
                if (ToFact(id, entry) is { } fact) facts.Add(fact);
            cursor = plan.Next;
            if (plan.Entries.Count < _options.JournalPageSize || cursor.Seq >= read.LatestSeq) break;
        }
        return (reset, facts, cursor);
    }

    private object? ToFact(Guid id, JournalEntry entry)
    {
        try
        {
            return JournalFacts.ToEvent(entry);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException)
        {
            // Skipped, not retried for ever: one malformed line (bad data, or none) must not stop a container's ingestion.
            LogUnreadableEntry(_log, id, entry.Seq, entry.Kind, e.Message);
            return null;
        }
    }

    private async Task<int?> WriteAsync(Guid id, JournalCursor from, JournalCursor to, Func<ContainerState, IReadOnlyList<object>> decide,
        CancellationToken ct)
    {
        var metadata = new EventMetadata(User: "poller", CorrelationId: Node,
            CausationId: to == from ? "agent-poll" : $"agent-journal:{to.JournalId}:{(to.JournalId == from.JournalId ? from.Seq : 0) + 1}-{to.Seq}");
        try
        {
            var events = await WriteAgentFacts.ExecuteAsync(_dataSource, _store, id, from, to, decide, metadata, _time.GetUtcNow(), ct);
            foreach (var e in events ?? []) LogFact(_log, id, e.GetType().Name);
            return events?.Count;
        }
        catch (Exception e) when (e is NpgsqlException || Commands.ControlPlaneTransaction.IsConflict(e))
        {
            // Nothing was written: the cursor did not move, so the next cycle reads the same entries again.
            LogWriteFailed(_log, id, e.Message);
            return 0;
        }
    }

    private async Task ReportSeenAsync(AgentSighting sighting, CancellationToken ct)
    {
        try
        {
            await _lastSeen.SeenAsync(sighting, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogLastSeenFailed(_log, sighting.ContainerId, e.Message);
        }
    }

    private static IReadOnlyList<object> Listed(object? fact) => fact is null ? [] : [fact];

    public ValueTask DisposeAsync() => _leases.DisposeAsync();

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Poller {Node} lost its shard connection, polls nothing this cycle: {Reason}")]
    private static partial void LogLeasesLost(ILogger log, string node, string reason);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "Container {ContainerId}: recorded {Event} from its agent")]
    private static partial void LogFact(ILogger log, Guid containerId, string @event);

    [LoggerMessage(EventId = 702, Level = LogLevel.Warning, Message = "Container {ContainerId}: journal entry {Seq} ({Kind}) is unreadable, skipped: {Reason}")]
    private static partial void LogUnreadableEntry(ILogger log, Guid containerId, long seq, string kind, string reason);

    [LoggerMessage(EventId = 703, Level = LogLevel.Warning, Message = "Container {ContainerId}: poll not written, retried next cycle: {Reason}")]
    private static partial void LogWriteFailed(ILogger log, Guid containerId, string reason);

    [LoggerMessage(EventId = 705, Level = LogLevel.Warning, Message = "Container {ContainerId}: poll after a command failed, the next cycle reads its journal: {Reason}")]
    private static partial void LogPollNowFailed(ILogger log, Guid containerId, string reason);

    [LoggerMessage(EventId = 706, Level = LogLevel.Warning, Message = "Container {ContainerId}: poll failed ({Error}), polled again next cycle: {Reason}")]
    private static partial void LogPollFailed(ILogger log, Guid containerId, string error, string reason);

    [LoggerMessage(EventId = 707, Level = LogLevel.Warning, Message = "Container {ContainerId}: the host cannot say where its agent is, counted as a failed poll: {Reason}")]
    private static partial void LogHostFailed(ILogger log, Guid containerId, string reason);

    [LoggerMessage(EventId = 708, Level = LogLevel.Warning, Message = "Container {ContainerId}: journal page after {Seq} is unreadable, read again next cycle: {Reason}")]
    private static partial void LogUnreadablePage(ILogger log, Guid containerId, long seq, string reason);

    [LoggerMessage(EventId = 704, Level = LogLevel.Warning, Message = "Container {ContainerId}: last-seen report failed: {Reason}")]
    private static partial void LogLastSeenFailed(ILogger log, Guid containerId, string reason);
}
