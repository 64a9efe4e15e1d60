using Npgsql;
using ZeroLagHub.EventStore.Projections;
using ZeroLagHub.EventStore.Reading;

namespace ZeroLagHub.EventStore.Tests.Daemon;

/// <summary>
/// One row per stream: how many events it has seen, its last version and the sum of Counted.N.
/// A doubled or lost event shows as <c>events &lt;&gt; last_version</c>.
/// </summary>
public sealed class StreamSummaryProjection(string name, ProjectionLifecycle lifecycle = ProjectionLifecycle.Async) : IProjection
{
    public string Name { get; } = name;
    public ProjectionLifecycle Lifecycle { get; } = lifecycle;
    public string TableName => Name + "_summary";

    public IReadOnlyList<ProjectionTable> Tables =>
    [
        new(TableName, "CREATE TABLE {table} (stream_id text PRIMARY KEY, events bigint NOT NULL, last_version bigint NOT NULL, total bigint NOT NULL)"),
    ];

    /// <summary>Called with each batch before it is written; throw to simulate a bug, block to simulate a crash.</summary>
    public Func<IReadOnlyList<StoredEvent>, CancellationToken, Task>? BeforeWrite { get; set; }

    /// <summary>Called after the rows were written, before the engine commits.</summary>
    public Func<CancellationToken, Task>? AfterWrite { get; set; }

    public int BatchesApplied;

    public async Task ApplyAsync(IReadOnlyList<StoredEvent> events, ProjectionContext context, CancellationToken ct)
    {
        if (BeforeWrite is not null) await BeforeWrite(events, ct);

        // Fold the batch first: each stream's row is written once.
        var rows = new Dictionary<string, (long Events, long Last, long Total)>();
        foreach (var e in events)
        {
            var (count, _, total) = rows.GetValueOrDefault(e.StreamId);
            rows[e.StreamId] = (count + 1, e.Version, total + (e.Data is Counted c ? c.N : 0));
        }

        var table = context.Table(TableName);
        await using var upsert = context.Command($"""
            INSERT INTO {table} AS t (stream_id, events, last_version, total)
            SELECT * FROM unnest(@ids, @events, @last, @total)
            ON CONFLICT (stream_id) DO UPDATE
               SET events = t.events + excluded.events, last_version = excluded.last_version, total = t.total + excluded.total
            """);
        upsert.Parameters.AddWithValue("ids", rows.Keys.ToArray());
        upsert.Parameters.AddWithValue("events", rows.Values.Select(r => r.Events).ToArray());
        upsert.Parameters.AddWithValue("last", rows.Values.Select(r => r.Last).ToArray());
        upsert.Parameters.AddWithValue("total", rows.Values.Select(r => r.Total).ToArray());
        await upsert.ExecuteNonQueryAsync(ct);

        if (AfterWrite is not null) await AfterWrite(ct);
        Interlocked.Increment(ref BatchesApplied);
    }

    public async Task DeleteStreamAsync(string streamId, ProjectionContext context, CancellationToken ct)
    {
        await using var delete = context.Command($"DELETE FROM {context.Table(TableName)} WHERE stream_id = @id");
        delete.Parameters.AddWithValue("id", streamId);
        await delete.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The read model as readers see it (through the view over the live generation).</summary>
    public async Task<Dictionary<string, (long Events, long Last, long Total)>> RowsAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand($"SELECT stream_id, events, last_version, total FROM {TableName}");
        var rows = new Dictionary<string, (long, long, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        return rows;
    }
}
