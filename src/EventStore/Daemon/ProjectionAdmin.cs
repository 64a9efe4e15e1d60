using Npgsql;
using NpgsqlTypes;
using ZeroLagHub.EventStore.Daemon.Progress;
using ZeroLagHub.EventStore.Daemon.Status;
using ZeroLagHub.EventStore.Projections;
using ZeroLagHub.EventStore.Reading;

namespace ZeroLagHub.EventStore.Daemon;

/// <summary>
/// What operators do to projections: look at them, rebuild them (whole, or one stream), and decide
/// about a faulted one (retry, or skip the event). Every decision is recorded in
/// <c>es.projection_operations</c> with who made it and why.
/// </summary>
public sealed class ProjectionAdmin(NpgsqlDataSource dataSource, PostgresEventStore store, CommitSignal signal,
    IEnumerable<IProjection> projections)
{
    private readonly Dictionary<string, IProjection> _projections = projections.ToDictionary(p => p.Name);

    /// <summary>Creates every projection's tables and views if missing; appends need inline ones to exist.</summary>
    public async Task EnsureAsync(CancellationToken ct = default)
    {
        foreach (var projection in _projections.Values) await EnsureProjection.ExecuteAsync(dataSource, projection, ct);
    }

    public async Task<IReadOnlyList<ProjectionStatus>> StatusAsync(CancellationToken ct = default)
    {
        var statuses = new List<ProjectionStatus>();
        foreach (var projection in _projections.Values.OrderBy(p => p.Name))
            statuses.Add(await ReadProjectionStatus.ExecuteAsync(dataSource, projection, ct));
        return statuses;
    }

    public Task<ProjectionStatus> StatusAsync(string name, CancellationToken ct = default) =>
        ReadProjectionStatus.ExecuteAsync(dataSource, Get(name), ct);

    /// <summary>
    /// Starts building a new generation from position zero beside the live one; the leader swaps it in
    /// when it has caught up. Starting a rebuild while one runs returns the running one.
    /// </summary>
    /// <returns>The generation being built.</returns>
    public async Task<int> RebuildAsync(string name, string requestedBy, CancellationToken ct = default)
    {
        var projection = Get(name);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        int generation;
        await using (var next = new NpgsqlCommand("""
            SELECT p.live_generation, (SELECT max(generation) FROM es.projection_progress g WHERE g.projection = p.name)
              FROM es.projections p WHERE p.name = @name FOR UPDATE
            """, connection, tx))
        {
            next.Parameters.AddWithValue("name", name);
            await using var reader = await next.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) throw new InvalidOperationException($"projection '{name}' is not registered yet");
            var (live, newest) = (reader.GetInt32(0), reader.GetInt32(1));
            if (newest > live) return newest;
            generation = newest + 1;
        }

        await ProjectionTables.CreateGenerationAsync(projection, generation, tx, ct);
        await Execute(tx, "INSERT INTO es.projection_progress (projection, generation) VALUES (@name, @generation)", name, generation, ct);
        await Record(tx, name, generation, "rebuild", requestedBy, null, null, ct);
        await tx.CommitAsync(ct);
        signal.RaiseLocal();
        return generation;
    }

    /// <summary>
    /// Rebuilds the rows of one stream in the live generation: deletes them and re-applies that stream's
    /// events up to the projection's checkpoint, in one transaction that holds the checkpoint (the
    /// daemon waits) or, for an inline projection, the stream (its appends wait).
    /// </summary>
    public async Task RebuildStreamAsync(string name, string streamId, string requestedBy, CancellationToken ct = default)
    {
        var projection = Get(name);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        await using var hold = new NpgsqlCommand(projection.Lifecycle == ProjectionLifecycle.Inline
            ? "SELECT p.live_generation, NULL::xid8, NULL::bigint FROM es.projections p, es.streams s WHERE p.name = @name AND s.stream_id = @stream FOR UPDATE OF s"
            : """
              SELECT g.generation, g.tx_id, g.position FROM es.projection_progress g JOIN es.projections p
                  ON p.name = g.projection AND p.live_generation = g.generation
               WHERE g.projection = @name FOR UPDATE OF g
              """, connection, tx);
        hold.Parameters.AddWithValue("name", name);
        hold.Parameters.AddWithValue("stream", streamId);
        int generation;
        LogPosition? upTo;
        await using (var reader = await hold.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) throw new InvalidOperationException($"no projection '{name}' or no stream '{streamId}'");
            generation = reader.GetInt32(0);
            upTo = reader.IsDBNull(1) ? null : new LogPosition(reader.GetFieldValue<ulong>(1), reader.GetInt64(2));
        }

        var context = new ProjectionContext(tx, table => ApplyBatch.Physical(projection, table, generation));
        await projection.DeleteStreamAsync(streamId, context, ct);
        var events = await store.ReadStreamAsync(streamId, ct: ct).Where(e => upTo is null || e.LogPosition <= upTo.Value).ToListAsync(ct);
        if (events.Count > 0) await projection.ApplyAsync(events, context, ct);
        await Record(tx, name, generation, "rebuild-stream", requestedBy, streamId, upTo, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Resumes a faulted projection at the event that failed (after a fix was deployed).</summary>
    /// <returns>false when it was not faulted.</returns>
    public async Task<bool> RetryAsync(string name, string requestedBy, CancellationToken ct = default)
    {
        Get(name);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var resume = new NpgsqlCommand("""
            UPDATE es.projection_progress SET state = 'running', fault = NULL, updated_at = now()
             WHERE projection = @name AND state = 'faulted'
            RETURNING generation, tx_id, position
            """, connection, tx);
        resume.Parameters.AddWithValue("name", name);
        var resumed = new List<(int Generation, LogPosition At)>();
        await using (var reader = await resume.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                resumed.Add((reader.GetInt32(0), new LogPosition(reader.GetFieldValue<ulong>(1), reader.GetInt64(2))));
        foreach (var (generation, at) in resumed) await Record(tx, name, generation, "retry", requestedBy, null, at, ct);
        await tx.CommitAsync(ct);
        signal.RaiseLocal();
        return resumed.Count > 0;
    }

    /// <summary>
    /// Skips the event a faulted projection stopped at and resumes after it. The read model will lack
    /// that event's effect: the skip, its reason and the event are recorded.
    /// </summary>
    /// <returns>The skipped event, or null when the projection was not faulted.</returns>
    public async Task<EventIdentity?> SkipAsync(string name, string requestedBy, string reason, CancellationToken ct = default)
    {
        Get(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var faulted = (await LoadGenerations.ExecuteAsync(dataSource, name, ct)).FirstOrDefault(g => g.State == "faulted");
        if (faulted is null) return null;
        var skipped = await PeekNextEvent.ExecuteAsync(dataSource, faulted.Checkpoint, ct)
            ?? throw new InvalidOperationException($"projection '{name}' is faulted but no event follows its checkpoint");

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var skip = new NpgsqlCommand("""
            UPDATE es.projection_progress SET state = 'running', fault = NULL, tx_id = @new_tx, position = @new_position, updated_at = now()
             WHERE projection = @name AND generation = @generation AND state = 'faulted' AND tx_id = @tx AND position = @position
            """, connection, tx);
        skip.Parameters.AddWithValue("name", name);
        skip.Parameters.AddWithValue("generation", faulted.Generation);
        skip.Parameters.Add(new NpgsqlParameter<ulong>("tx", NpgsqlDbType.Xid8) { TypedValue = faulted.Checkpoint.TransactionId });
        skip.Parameters.AddWithValue("position", faulted.Checkpoint.Position);
        skip.Parameters.Add(new NpgsqlParameter<ulong>("new_tx", NpgsqlDbType.Xid8) { TypedValue = skipped.LogPosition.TransactionId });
        skip.Parameters.AddWithValue("new_position", skipped.LogPosition.Position);
        if (await skip.ExecuteNonQueryAsync(ct) == 0) throw new CheckpointMovedException(name, faulted.Generation);
        await Record(tx, name, faulted.Generation, "skip", requestedBy,
            $"{reason} (skipped {skipped.Type} at {skipped.StreamId}@{skipped.Version})", skipped.LogPosition, ct);
        await tx.CommitAsync(ct);
        signal.RaiseLocal();
        return skipped;
    }

    private IProjection Get(string name) =>
        _projections.GetValueOrDefault(name) ?? throw new ArgumentException($"no projection named '{name}'", nameof(name));

    private static async Task Execute(NpgsqlTransaction tx, string sql, string name, int generation, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, tx.Connection, tx);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("generation", generation);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task Record(NpgsqlTransaction tx, string name, int generation, string action, string requestedBy,
        string? reason, LogPosition? at, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO es.projection_operations (projection, generation, action, operator, reason, tx_id, position)
            VALUES (@name, @generation, @action, @operator, @reason, @tx, @position)
            """, tx.Connection, tx);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("generation", generation);
        command.Parameters.AddWithValue("action", action);
        command.Parameters.AddWithValue("operator", requestedBy);
        command.Parameters.Add(new NpgsqlParameter<string?>("reason", NpgsqlDbType.Text) { TypedValue = reason });
        command.Parameters.Add(new NpgsqlParameter("tx", NpgsqlDbType.Xid8) { Value = at is { } a ? a.TransactionId : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("position", NpgsqlDbType.Bigint) { Value = at is { } p ? p.Position : DBNull.Value });
        await command.ExecuteNonQueryAsync(ct);
    }
}
