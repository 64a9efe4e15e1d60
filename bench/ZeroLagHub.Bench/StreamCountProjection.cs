using System.Diagnostics;
using Npgsql;
using ZeroLagHub.EventStore.Projections;
using ZeroLagHub.EventStore.Reading;

namespace ZeroLagHub.Bench;

/// <summary>
/// The benchmarks' read model, one row per stream: its event count, last version, last position and
/// the status its last <see cref="ContainerStatusChanged"/> moved to. Written the way the engine asks
/// (fold the batch, then one multi-row upsert), so it costs what a typical per-entity projection costs.
/// A lost or doubled event shows as <c>events &lt;&gt; last_version</c>.
/// </summary>
internal sealed class StreamCountProjection : IProjection
{
    public const string TableName = "stream_counts";

    private const string Upsert = """
        INSERT INTO {table} AS t (stream_id, events, last_version, last_position, last_status)
        SELECT * FROM unnest(@ids, @events, @versions, @positions, @statuses)
        ON CONFLICT (stream_id) DO UPDATE
           SET events = t.events + excluded.events, last_version = excluded.last_version,
               last_position = excluded.last_position, last_status = excluded.last_status
        """;

    private long _applyTicks;
    private long _batches;

    public string Name => "stream_count";
    public ProjectionLifecycle Lifecycle => ProjectionLifecycle.Async;

    public IReadOnlyList<ProjectionTable> Tables =>
    [
        new(TableName, """
            CREATE TABLE {table} (stream_id text PRIMARY KEY, events bigint NOT NULL, last_version bigint NOT NULL,
                                  last_position bigint NOT NULL, last_status text NOT NULL)
            """),
    ];

    /// <summary>Time spent inside <see cref="ApplyAsync"/> (fold + upsert) since the last <see cref="ResetCounters"/>.</summary>
    public TimeSpan ApplyTime => TimeSpan.FromSeconds((double)Interlocked.Read(ref _applyTicks) / Stopwatch.Frequency);

    public long Batches => Interlocked.Read(ref _batches);

    public void ResetCounters()
    {
        Interlocked.Exchange(ref _applyTicks, 0);
        Interlocked.Exchange(ref _batches, 0);
    }

    public async Task ApplyAsync(IReadOnlyList<StoredEvent> events, ProjectionContext context, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();

        // Fold first: one INSERT … ON CONFLICT cannot touch the same key twice.
        var rows = new Dictionary<string, Row>(events.Count);
        foreach (var e in events)
        {
            var count = rows.TryGetValue(e.StreamId, out var row) ? row.Events : 0;
            rows[e.StreamId] = new Row(count + 1, e.Version, e.Position, e.Data is ContainerStatusChanged s ? s.To : "");
        }

        await using var upsert = context.Command(Upsert.Replace("{table}", context.Table(TableName), StringComparison.Ordinal));
        upsert.Parameters.AddWithValue("ids", rows.Keys.ToArray());
        upsert.Parameters.AddWithValue("events", rows.Values.Select(r => r.Events).ToArray());
        upsert.Parameters.AddWithValue("versions", rows.Values.Select(r => r.Version).ToArray());
        upsert.Parameters.AddWithValue("positions", rows.Values.Select(r => r.Position).ToArray());
        upsert.Parameters.AddWithValue("statuses", rows.Values.Select(r => r.Status).ToArray());
        await upsert.ExecuteNonQueryAsync(ct);

        Interlocked.Add(ref _applyTicks, Stopwatch.GetTimestamp() - start);
        Interlocked.Increment(ref _batches);
    }

    public async Task DeleteStreamAsync(string streamId, ProjectionContext context, CancellationToken ct)
    {
        await using var delete = context.Command($"DELETE FROM {context.Table(TableName)} WHERE stream_id = @id");
        delete.Parameters.AddWithValue("id", streamId);
        await delete.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Each stream's last applied version, as readers see it (the view over the live generation).</summary>
    public static async Task<Dictionary<string, long>> VersionsAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"SELECT stream_id, last_version FROM {TableName}");
        var versions = new Dictionary<string, long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) versions[reader.GetString(0)] = reader.GetInt64(1);
        return versions;
    }

    /// <summary>Rows, events counted, and rows whose count disagrees with their last version (should be 0).</summary>
    public static async Task<(long Rows, long Events, long Inconsistent)> CheckAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT count(*), coalesce(sum(events), 0)::bigint, count(*) FILTER (WHERE events <> last_version) FROM {TableName}");
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private readonly record struct Row(long Events, long Version, long Position, string Status);
}
