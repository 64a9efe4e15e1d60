using Marten;
using Npgsql;
using ZeroLagHub.Api.Storage.Marten;
using ZeroLagHub.Projections.ReadModels;
using ZeroLagHub.Projections.Marten;

namespace ZeroLagHub.Api.ReadModels;

/// <summary>
/// What operators do to read models: look at them (Marten's progression beside our generations) and
/// start a rebuild into the next generation (<see cref="ReadModelRebuilder"/> fills and swaps it).
/// </summary>
public sealed class ReadModelAdmin(NpgsqlDataSource dataSource, IDocumentStore store, IEnumerable<IProjection> readModels, TimeProvider time)
{
    private const string Schema = MartenSchema.Name;
    private readonly Dictionary<string, IProjection> _readModels = readModels.ToDictionary(p => p.Name);

    public IEnumerable<string> Names => _readModels.Keys.Order();

    public bool Exists(string name) => _readModels.ContainsKey(name);

    public async Task<IReadOnlyList<ReadModelStatus>> StatusAsync(CancellationToken ct = default)
    {
        var statuses = new List<ReadModelStatus>();
        foreach (var name in Names) statuses.Add(await StatusAsync(name, ct));
        return statuses;
    }

    public async Task<ReadModelStatus> StatusAsync(string name, CancellationToken ct = default)
    {
        var readModel = Get(name);
        var row = await ReadModelRow.LoadAsync(dataSource, name, ct)
            ?? throw new InvalidOperationException($"read model '{name}' has no tables yet");
        var rebuild = row.BuildGeneration is { } building ? Progress(row, building) : null;

        if (readModel.Lifecycle == ProjectionLifecycle.Inline)
        {
            // Written by every append: as far as the log goes, never behind.
            var head = await ScalarAsync<long>($"SELECT coalesce(max(seq_id), 0) FROM {Schema}.mt_events", ct);
            return new ReadModelStatus(name, rebuild is null ? "running" : "rebuilding", row.LiveGeneration, new(0, head), 0, 0, null, null, null, rebuild);
        }

        var shard = await ShardProgress.LoadAsync(dataSource, name, ct);
        var position = shard?.Position ?? 0;
        await using var lag = dataSource.CreateCommand($"""
            SELECT (SELECT count(*) FROM (SELECT 1 FROM {Schema}.mt_events WHERE seq_id > @position LIMIT 100000) behind),
                   (SELECT extract(epoch FROM now() - min(timestamp)) FROM {Schema}.mt_events WHERE seq_id = (SELECT min(seq_id) FROM {Schema}.mt_events WHERE seq_id > @position))
            """);
        lag.Parameters.AddWithValue("position", position);
        long behind;
        double seconds;
        await using (var reader = await lag.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            behind = reader.GetInt64(0);
            seconds = reader.IsDBNull(1) ? 0 : Math.Max(0, (double)reader.GetDecimal(1));
        }
        var fault = shard?.AgentStatus is "Running" ? null : shard?.Fault;
        var state = rebuild is not null ? "rebuilding"
            : fault is not null ? "faulted"
            : shard is null || shard.AgentStatus is "Running" or null ? "running"
            : shard.AgentStatus.ToLowerInvariant();
        return new ReadModelStatus(name, state, row.LiveGeneration, new(0, position), behind, seconds, fault, null, null, rebuild);
    }

    /// <summary>
    /// Starts building the next generation from the first event beside the live one; it goes live when it
    /// has caught up. Starting a rebuild while one runs returns the running one's generation.
    /// </summary>
    public async Task<int> RebuildAsync(string name, string requestedBy, CancellationToken ct = default)
    {
        var readModel = Get(name);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var row = await ReadModelRow.LoadAsync(connection, tx, name, forUpdate: true, ct)
            ?? throw new InvalidOperationException($"read model '{name}' has no tables yet");
        if (row.BuildGeneration is { } running && row.BuildFault is null) return running;

        var generation = row.LiveGeneration + 1;
        await ReadModelTables.CreateGenerationAsync(readModel, generation, tx, ct);
        await using var start = new NpgsqlCommand($"""
            UPDATE zlh.read_models
               SET build_generation = @generation, build_position = 0, build_done = 0, build_fault = NULL, build_by = @by,
                   build_started_at = @now, updated_at = @now,
                   build_total = (SELECT count(*) FROM {Schema}.mt_events)
             WHERE name = @name
            """, connection, tx);
        start.Parameters.AddWithValue("name", name);
        start.Parameters.AddWithValue("generation", generation);
        start.Parameters.AddWithValue("by", requestedBy);
        start.Parameters.AddWithValue("now", time.GetUtcNow());
        await start.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return generation;
    }

    /// <summary>Resumes a faulted async read model at the event that failed (after a fix was deployed).</summary>
    /// <returns>false when it was not faulted.</returns>
    public async Task<bool> RetryAsync(string name, CancellationToken ct = default)
    {
        if (Get(name).Lifecycle == ProjectionLifecycle.Inline || (await StatusAsync(name, ct)).Fault is null) return false;
        await ShardControl.RequestRestartAsync(dataSource, name, ct);
        return true;
    }

    /// <summary>
    /// Moves a faulted async read model past the event it stopped at, and resumes it. The read model will
    /// lack that event's effect; the audit log keeps who skipped it and why.
    /// </summary>
    /// <returns>The skipped event; null when it was not faulted.</returns>
    /// <exception cref="ProgressMovedException">It moved on meanwhile (retried or skipped by someone else).</exception>
    public async Task<FaultedEvent?> SkipAsync(string name, CancellationToken ct = default)
    {
        var readModel = Get(name);
        if (readModel.Lifecycle == ProjectionLifecycle.Inline) return null;
        var shard = await ShardProgress.LoadAsync(dataSource, name, ct);
        if (shard is not { Fault: { Event.LogPosition.Position: > 0 } fault }) return null;
        var skipped = fault.Event.LogPosition.Position;

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Held while the events before the poisoned one (in its failed batch, so never applied) are applied
        // here: a batch of the agent, were it restarted meanwhile, waits for this transaction.
        await using (var hold = new NpgsqlCommand(
            $"SELECT 1 FROM {Schema}.mt_event_progression WHERE name = @shard AND last_seq_id = @position FOR UPDATE", connection, tx))
        {
            hold.Parameters.AddWithValue("shard", ShardProgress.ShardName(name));
            hold.Parameters.AddWithValue("position", shard.Position);
            if (await hold.ExecuteScalarAsync(ct) is null) throw new ProgressMovedException(name);
        }
        await using (var session = store.QuerySession())
        {
            var before = await session.Events.QueryAllRawEvents()
                .Where(e => e.Sequence > shard.Position && e.Sequence < skipped).OrderBy(e => e.Sequence).ToListAsync(ct);
            if (before.Count > 0)
                await readModel.ApplyAsync([.. before.Select(SqlReadModelProjection.ToStored)], new ProjectionContext(tx, table => table), ct);
        }
        await using (var skip = new NpgsqlCommand(
            $"UPDATE {Schema}.mt_event_progression SET last_seq_id = @skipped, last_updated = now() WHERE name = @shard", connection, tx))
        {
            skip.Parameters.AddWithValue("shard", ShardProgress.ShardName(name));
            skip.Parameters.AddWithValue("skipped", skipped);
            await skip.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        await ShardControl.RequestRestartAsync(dataSource, name, ct);
        return fault.Event;
    }

    private RebuildProgress Progress(ReadModelRow row, int generation)
    {
        var elapsed = row.BuildStartedAt is { } started ? (time.GetUtcNow() - started).TotalSeconds : 0;
        var rate = elapsed > 0 ? row.BuildDone / elapsed : 0;
        var total = Math.Max(row.BuildTotal, row.BuildDone);
        double? eta = rate > 0 ? (total - row.BuildDone) / rate : null;
        var fault = row.BuildFault is { } error
            ? new ReadModelFault(new FaultedEvent(new(0, row.BuildPosition + 1), "", 0, ""), error, 1, row.UpdatedAt)
            : null;
        return new RebuildProgress(generation, fault is null ? "running" : "faulted", row.BuildDone, total, rate, eta, fault);
    }

    private IProjection Get(string name) =>
        _readModels.GetValueOrDefault(name) ?? throw new ArgumentException($"no read model named '{name}'", nameof(name));

    private async Task<T> ScalarAsync<T>(string sql, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }
}

/// <summary>A read model's progress moved between reading its fault and acting on it.</summary>
public sealed class ProgressMovedException(string name) : Exception($"read model '{name}' moved on meanwhile");
