using Npgsql;
using ZeroLagHub.Projections.ReadModels;
using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Api.Tests.Storage.Marten;

/// <summary>
/// A test read model: one row per stream with how many events it has seen and its last version, so a
/// doubled or lost event shows as <c>events &lt;&gt; last_version</c>.
/// </summary>
public sealed class StreamSummaryReadModel(string name, ProjectionLifecycle lifecycle = ProjectionLifecycle.Async) : IProjection
{
    public string Name { get; } = name;
    public ProjectionLifecycle Lifecycle { get; } = lifecycle;
    public string TableName => Name + "_summary";

    public IReadOnlyList<ProjectionTable> Tables =>
    [
        new(TableName, "CREATE TABLE {table} (stream_id text PRIMARY KEY, events bigint NOT NULL, last_version bigint NOT NULL, last_seq bigint NOT NULL)"),
    ];

    /// <summary>Called with each batch before it is written: throw to simulate a bug.</summary>
    public Func<IReadOnlyList<StoredEvent>, Task>? BeforeWrite { get; set; }

    public async Task ApplyAsync(IReadOnlyList<StoredEvent> events, ProjectionContext context, CancellationToken ct)
    {
        if (BeforeWrite is not null) await BeforeWrite(events);
        var rows = new Dictionary<string, (long Events, long Version, long Seq)>();
        foreach (var e in events)
            rows[e.StreamId] = (rows.GetValueOrDefault(e.StreamId).Events + 1, e.Version, e.Position);

        await using var upsert = context.Command($"""
            INSERT INTO {context.Table(TableName)} AS t (stream_id, events, last_version, last_seq)
            SELECT * FROM unnest(@ids, @events, @versions, @seqs)
            ON CONFLICT (stream_id) DO UPDATE
               SET events = t.events + excluded.events, last_version = excluded.last_version, last_seq = excluded.last_seq
            """);
        upsert.Parameters.AddWithValue("ids", rows.Keys.ToArray());
        upsert.Parameters.AddWithValue("events", rows.Values.Select(r => r.Events).ToArray());
        upsert.Parameters.AddWithValue("versions", rows.Values.Select(r => r.Version).ToArray());
        upsert.Parameters.AddWithValue("seqs", rows.Values.Select(r => r.Seq).ToArray());
        await upsert.ExecuteNonQueryAsync(ct);
    }

    public async Task DeleteStreamAsync(string streamId, ProjectionContext context, CancellationToken ct)
    {
        await using var delete = context.Command($"DELETE FROM {context.Table(TableName)} WHERE stream_id = @id");
        delete.Parameters.AddWithValue("id", streamId);
        await delete.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The read model as readers see it (through the view over the live generation).</summary>
    public async Task<Dictionary<string, (long Events, long Version)>> RowsAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand($"SELECT stream_id, events, last_version FROM {TableName}");
        var rows = new Dictionary<string, (long, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        return rows;
    }
}
