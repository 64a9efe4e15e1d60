using ZeroLagHub.Domain;
using System.Text.Json;
using NpgsqlTypes;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Projections.ReadModels;
using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Projections.Crashes;

/// <summary>
/// Game-server crashes (async, by the daemon): one row per crash in <c>crash_history</c>, and per
/// container the number of crashes of each classification in <c>crash_counts</c>. Crashes stay after
/// the container is deleted: they are history.
/// </summary>
public sealed class CrashHistoryProjection : IProjection
{
    public const string HistoryTable = "crash_history";
    public const string CountsTable = "crash_counts";

    public string Name => "crash_history";

    public ProjectionLifecycle Lifecycle => ProjectionLifecycle.Async;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new(HistoryTable, """
            CREATE TABLE {table} (
                position       bigint      PRIMARY KEY,
                container_id   uuid        NOT NULL,
                at             timestamptz NOT NULL,
                exit_code      int,
                signal         int,
                uptime_seconds float8      NOT NULL,
                classification text        NOT NULL,
                log_tail       text[]      NOT NULL);
            CREATE INDEX ON {table} (container_id, at DESC);
            """),
        new(CountsTable, """
            CREATE TABLE {table} (
                container_id   uuid        NOT NULL,
                classification text        NOT NULL,
                crashes        int         NOT NULL,
                last_at        timestamptz NOT NULL,
                PRIMARY KEY (container_id, classification));
            """),
    ];

    public async Task ApplyAsync(IReadOnlyList<StoredEvent> events, ProjectionContext context, CancellationToken ct)
    {
        var crashes = new List<CrashRecord>();
        foreach (var e in events)
            if (e.Data is ServerCrashed c)
                crashes.Add(new CrashRecord(e.Position, Guid.Parse(e.StreamId), c.At, c.ExitCode, c.Signal, c.UptimeSeconds, c.Classification, c.LogTail));
        if (crashes.Count == 0) return;

        await using (var insert = context.Command($"""
            INSERT INTO {context.Table(HistoryTable)} (position, container_id, at, exit_code, signal, uptime_seconds, classification, log_tail)
            SELECT p, c, a, x, s, u, k, ARRAY(SELECT jsonb_array_elements_text(t))
              FROM unnest(@position, @container, @at, @exit, @signal, @uptime, @class, @tail) AS r(p, c, a, x, s, u, k, t)
            """))
        {
            insert.Parameters.AddWithValue("position", crashes.Select(c => c.Position).ToArray());
            insert.Parameters.AddWithValue("container", crashes.Select(c => c.ContainerId).ToArray());
            insert.Parameters.AddWithValue("at", crashes.Select(c => c.At).ToArray());
            insert.Parameters.AddWithValue("exit", crashes.Select(c => c.ExitCode).ToArray());
            insert.Parameters.AddWithValue("signal", crashes.Select(c => c.Signal).ToArray());
            insert.Parameters.AddWithValue("uptime", crashes.Select(c => c.UptimeSeconds).ToArray());
            insert.Parameters.AddWithValue("class", crashes.Select(c => EnumNames.Of(c.Classification)).ToArray());
            // A text[][] cannot be ragged: each tail travels as one JSON array and is unpacked in SQL.
            insert.Parameters.AddWithValue("tail", NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
                crashes.Select(c => JsonSerializer.Serialize(c.LogTail)).ToArray());
            await insert.ExecuteNonQueryAsync(ct);
        }

        // Counted per batch first: one upsert cannot touch the same (container, classification) twice.
        var counts = crashes.GroupBy(c => (c.ContainerId, Class: EnumNames.Of(c.Classification)))
            .Select(g => (g.Key.ContainerId, g.Key.Class, Count: g.Count(), Last: g.Max(c => c.At)))
            .ToList();
        await using var upsert = context.Command($"""
            INSERT INTO {context.Table(CountsTable)} AS t (container_id, classification, crashes, last_at)
            SELECT * FROM unnest(@container, @class, @count, @last)
            ON CONFLICT (container_id, classification) DO UPDATE
               SET crashes = t.crashes + excluded.crashes, last_at = greatest(t.last_at, excluded.last_at)
            """);
        upsert.Parameters.AddWithValue("container", counts.Select(c => c.ContainerId).ToArray());
        upsert.Parameters.AddWithValue("class", counts.Select(c => c.Class).ToArray());
        upsert.Parameters.AddWithValue("count", counts.Select(c => c.Count).ToArray());
        upsert.Parameters.AddWithValue("last", counts.Select(c => c.Last).ToArray());
        await upsert.ExecuteNonQueryAsync(ct);
    }

    public async Task DeleteStreamAsync(string streamId, ProjectionContext context, CancellationToken ct)
    {
        if (!Guid.TryParse(streamId, out var id)) return;
        await using var delete = context.Command($"""
            DELETE FROM {context.Table(HistoryTable)} WHERE container_id = @id;
            DELETE FROM {context.Table(CountsTable)} WHERE container_id = @id;
            """);
        delete.Parameters.AddWithValue("id", id);
        await delete.ExecuteNonQueryAsync(ct);
    }

}
