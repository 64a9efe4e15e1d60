using System.Text.Json;
using Npgsql;
using ZeroLagHub.EventStore.Daemon.Coordination;
using ZeroLagHub.EventStore.Daemon.Progress;
using ZeroLagHub.EventStore.Projections;
using ZeroLagHub.EventStore.Reading;
using ZeroLagHub.EventStore.Serialization;

namespace ZeroLagHub.EventStore.Daemon.Status;

internal static class ReadProjectionStatus
{
    private const string Generations = """
        SELECT g.generation, p.live_generation, g.tx_id, g.position, g.state, g.fault::text, g.events_applied,
               extract(epoch FROM now() - g.started_at)::float8,
               -- Counted exactly up to a cap, so status stays cheap however far behind a rebuild starts;
               -- past the cap the table statistics give an estimate.
               (SELECT count(*) FROM (SELECT 1 FROM es.events e WHERE (e.tx_id, e.position) > (g.tx_id, g.position)
                                      LIMIT @cap + 1) behind),
               (SELECT reltuples::bigint FROM pg_class WHERE oid = 'es.events'::regclass),
               (SELECT extract(epoch FROM now() - e.created_at)::float8 FROM es.events e
                 WHERE (e.tx_id, e.position) > (g.tx_id, g.position) ORDER BY e.tx_id, e.position LIMIT 1),
               EXISTS (SELECT 1 FROM es.events e WHERE (e.tx_id, e.position) > (g.tx_id, g.position)
                          AND e.tx_id >= pg_snapshot_xmin(pg_current_snapshot()))
          FROM es.projection_progress g JOIN es.projections p ON p.name = g.projection
         WHERE g.projection = @name
         ORDER BY g.generation
        """;

    private const string Leader = """
        SELECT pid FROM pg_locks
         WHERE locktype = 'advisory' AND granted AND objsubid = 1
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND classid = @class::oid AND objid = @object::oid
        """;

    private const string OldestTransaction = """
        SELECT pid, datname, usename, state, extract(epoch FROM now() - xact_start)::float8, query_start, left(query, 300)
          FROM pg_stat_activity
         WHERE backend_xid IS NOT NULL
         ORDER BY age(backend_xid) DESC
         LIMIT 1
        """;

    private const long ExactCountCap = 100_000;

    private sealed record Row(int Generation, int Live, LogPosition Position, string State, ProjectionFault? Fault,
        long Applied, double RunningSeconds, long Behind, double SecondsBehind, bool Held);

    public static async Task<ProjectionStatus> ExecuteAsync(NpgsqlDataSource dataSource, IProjection projection, CancellationToken ct)
    {
        var rows = await ReadGenerations(dataSource, projection.Name, ct);
        var live = rows.FirstOrDefault(r => r.Generation == r.Live)
            ?? throw new InvalidOperationException($"projection '{projection.Name}' is not registered yet (run the daemon or EnsureAsync)");
        var rebuild = rows.FirstOrDefault(r => r.Generation > r.Live);
        var inline = projection.Lifecycle == ProjectionLifecycle.Inline;
        var leader = await LeaderPid(dataSource, projection.Name, ct);
        var heldBack = !inline && live.Held || rebuild is { Held: true } ? await Oldest(dataSource, ct) : null;

        var state = live.State == "faulted" ? "faulted"
            : rebuild is not null ? "rebuilding"
            : leader is null && !inline ? "stopped"
            : heldBack is not null ? "held back"
            : live.State;

        return new ProjectionStatus(projection.Name, state, live.Generation, live.Position,
            inline ? 0 : live.Behind, inline ? 0 : live.SecondsBehind, live.Fault, heldBack, leader,
            rebuild is null ? null : Progress(rebuild));
    }

    private static RebuildProgress Progress(Row r)
    {
        var rate = r.RunningSeconds > 0 ? r.Applied / r.RunningSeconds : 0;
        return new RebuildProgress(r.Generation, r.State, r.Applied, r.Applied + r.Behind, rate,
            rate > 0 ? r.Behind / rate : null, r.Fault);
    }

    private static async Task<List<Row>> ReadGenerations(NpgsqlDataSource dataSource, string name, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(Generations);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("cap", ExactCountCap);
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new Row(reader.GetInt32(0), reader.GetInt32(1), new LogPosition(reader.GetFieldValue<ulong>(2), reader.GetInt64(3)),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : JsonSerializer.Deserialize<ProjectionFault>(reader.GetString(5), EventTypeRegistry.JsonOptions),
                reader.GetInt64(6), reader.GetDouble(7), Behind(reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(6)),
                reader.IsDBNull(10) ? 0 : reader.GetDouble(10), reader.GetBoolean(11)));
        return rows;
    }

    private static long Behind(long counted, long tableEstimate, long applied) =>
        counted <= ExactCountCap ? counted : Math.Max(counted, tableEstimate - applied);

    private static async Task<int?> LeaderPid(NpgsqlDataSource dataSource, string name, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(Leader);
        command.Parameters.AddWithValue("class", LeaderKey.ClassId);
        command.Parameters.AddWithValue("object", LeaderKey.ObjectId(name));
        return await command.ExecuteScalarAsync(ct) is int pid ? pid : null;
    }

    private static async Task<HeldBackBy?> Oldest(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(OldestTransaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new HeldBackBy(reader.GetInt32(0), Text(reader, 1), Text(reader, 2), Text(reader, 3),
            reader.IsDBNull(4) ? 0 : reader.GetDouble(4),
            reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), Text(reader, 6));
    }

    private static string? Text(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
}
