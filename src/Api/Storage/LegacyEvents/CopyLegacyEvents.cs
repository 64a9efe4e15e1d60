using Marten;
using Npgsql;
using ZeroLagHub.Api.Audit.Chain;
using ZeroLagHub.Domain;

namespace ZeroLagHub.Api.Storage.LegacyEvents;

/// <summary>
/// Copies the previous version's streams into Marten's tables, in one transaction:
/// <list type="number">
/// <item>lock the old tables, so no old node appends meanwhile;</item>
/// <item>check the old hash chain with the old rules (a broken history is refused, not laundered into a new chain);</item>
/// <item>insert the streams and then the events in log order (so Marten's sequence follows it), keeping stream id,
///   version, timestamp, type name, payload and metadata (user → user_name, correlationId, causationId; clientIp as the
///   header client_ip (Projections/Marten/EventHeaders), anything else and a schema version other than 1 into headers too); the chain trigger links each event;</item>
/// <item>check the counts: events, streams at the same versions, one link per event;</item>
/// <item>rename the old tables (<see cref="LegacyEventTables.CopiedSuffix"/>): kept, and the start-up guard passes.</item>
/// </list>
/// Any failure rolls all of it back. Run again, it finds no old tables and changes nothing.
/// </summary>
public sealed class CopyLegacyEvents(IDocumentStore store)
{
    private readonly ChainTables _t = ChainTables.For(store);

    public async Task<LegacyCopyResult> ExecuteAsync(CancellationToken ct = default)
    {
        if (_t.Identity != JasperFx.Events.StreamIdentity.AsGuid)
            throw new InvalidOperationException("the copy expects Marten's Guid stream identity, as the API configures it");
        await using var connection = await ChainConnection.OpenAsync(store, ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await LegacyEventTables.CountAsync(connection, tx, ct) == 0) return LegacyCopyResult.NothingToCopy;

        await ExecuteAsync(connection, tx, $"LOCK TABLE {LegacyEventTables.Streams}, {LegacyEventTables.Events} IN EXCLUSIVE MODE", ct);
        await RefuseAsync(connection, tx, LegacyChainProblems, 
            (stream, version, problem) => $"stream {stream} version {version}: {problem}",
            "the previous version's hash chain is broken, so copying would give an altered history a new, valid chain. Nothing was copied", ct);
        await RefuseAsync(connection, tx, $"""
            SELECT stream_id, version, 'not a UUID' FROM {LegacyEventTables.Streams}
             WHERE stream_id !~* '^[0-9a-f]{"{8}"}-[0-9a-f]{"{4}"}-[0-9a-f]{"{4}"}-[0-9a-f]{"{4}"}-[0-9a-f]{"{12}"}$'
            UNION ALL
            SELECT s.stream_id, s.version, 'already in Marten' FROM {LegacyEventTables.Streams} s JOIN {_t.Streams} m ON m.id::text = lower(s.stream_id)
            ORDER BY 1 LIMIT 10
            """, (stream, _, problem) => $"{stream}: {problem}",
            "these old streams cannot be copied (Marten's streams are UUIDs and new appends may not collide with old ones). Nothing was copied", ct);

        var streams = await ExecuteAsync(connection, tx, $"""
            INSERT INTO {_t.Streams} (id, version, timestamp, created)
            SELECT stream_id::uuid, version, coalesce(last_timestamp, created_at), created_at FROM {LegacyEventTables.Streams}
            """, ct);
        var events = await CopyEventsAsync(connection, tx, ct);
        await CheckCountsAsync(connection, tx, streams, events, ct);
        await ExecuteAsync(connection, tx, $"""
            ALTER TABLE {LegacyEventTables.Events} RENAME TO events{LegacyEventTables.CopiedSuffix};
            ALTER TABLE {LegacyEventTables.Streams} RENAME TO streams{LegacyEventTables.CopiedSuffix};
            """, ct);
        await tx.CommitAsync(ct);

        // After the commit, with the verifier auditors use: the new chain as anyone will see it.
        var broken = 0;
        await foreach (var stream in new ChainVerifier(store).VerifyAllAsync(ct)) if (!stream.IsIntact) broken++;
        return new LegacyCopyResult(streams, events, broken);
    }

    private async Task<long> CopyEventsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        // Metadata columns exist only where Marten was told to create them; write those that do.
        var present = new HashSet<string>();
        await using (var columns = new NpgsqlCommand(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = @schema AND table_name = 'mt_events'", connection, tx))
        {
            columns.Parameters.Add(new NpgsqlParameter<string>("schema", _t.Schema));
            await using var reader = await columns.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) present.Add(reader.GetString(0));
        }
        (string Column, string Value)[] metadata =
        [
            ("user_name", "e.metadata ->> 'user'"),
            ("correlation_id", "e.metadata ->> 'correlationId'"),
            ("causation_id", "e.metadata ->> 'causationId'"),
            ("headers", """
                nullif(jsonb_strip_nulls(jsonb_build_object('client_ip', e.metadata -> 'clientIp')
                    || (e.metadata - 'user' - 'correlationId' - 'causationId' - 'clientIp')
                    || CASE WHEN e.schema_version <> 1 THEN jsonb_build_object('schemaVersion', e.schema_version) ELSE jsonb_build_object() END),
                    jsonb_build_object())
                """),
        ];
        var kept = metadata.Where(m => present.Contains(m.Column)).ToArray();

        // Marten's sequence numbers for the whole copy, reserved up front and handed out in the old log order
        // (transaction, position): a volatile nextval() per row would not be bound to the sort.
        long first;
        await using (var reserve = new NpgsqlCommand($"""
            WITH n AS (SELECT count(*) AS n FROM {LegacyEventTables.Events}), f AS (SELECT nextval('{_t.Schema}.mt_events_sequence') AS first)
            SELECT f.first, setval('{_t.Schema}.mt_events_sequence', f.first + n.n - 1) FROM f, n
            """, connection, tx))
            first = (long)(await reserve.ExecuteScalarAsync(ct))!;

        var sql = $"""
            INSERT INTO {_t.Events} (seq_id, id, stream_id, version, data, type, timestamp, mt_dotnet_type{string.Concat(kept.Select(m => ", " + m.Column))})
            SELECT @first - 1 + row_number() OVER (ORDER BY e.tx_id, e.position), gen_random_uuid(), e.stream_id::uuid, e.version, e.data,
                   e.type, e.created_at, t.dotnet{string.Concat(kept.Select(m => ", " + m.Value))}
              FROM {LegacyEventTables.Events} e LEFT JOIN unnest(@names, @dotnet) AS t(name, dotnet) ON t.name = e.type
             ORDER BY e.tx_id, e.position
            """;
        await using var command = new NpgsqlCommand(sql, connection, tx);
        command.Parameters.Add(new NpgsqlParameter<long>("first", first));
        command.Parameters.Add(new NpgsqlParameter<string[]>("names", [.. DomainEvents.All.Select(e => e.Name)]));
        // As Marten writes mt_dotnet_type: "Namespace.Type, Assembly".
        command.Parameters.Add(new NpgsqlParameter<string[]>("dotnet", [.. DomainEvents.All.Select(e => $"{e.ClrType.FullName}, {e.ClrType.Assembly.GetName().Name}")]));
        return await command.ExecuteNonQueryAsync(ct);
    }

    private async Task CheckCountsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long streams, long events, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT (SELECT count(*) FROM {LegacyEventTables.Events}),
                   (SELECT count(*) FROM {LegacyEventTables.Streams}),
                   (SELECT count(*) FROM {LegacyEventTables.Streams} s JOIN {_t.Streams} m ON m.id = s.stream_id::uuid AND m.version = s.version),
                   (SELECT count(*) FROM {LegacyEventTables.Events} e JOIN {_t.Events} m ON m.stream_id = e.stream_id::uuid AND m.version = e.version
                                                                     AND m.timestamp = e.created_at AND m.data = e.data AND m.type = e.type),
                   (SELECT count(*) FROM {LegacyEventTables.Streams} s JOIN {_t.Chain} c ON c.stream_id = s.stream_id::uuid)
            """, connection, tx);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var (oldEvents, oldStreams, sameStreams, sameEvents, links) =
            (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        if (oldEvents != events || oldStreams != streams || sameStreams != oldStreams || sameEvents != oldEvents || links != oldEvents)
            throw new InvalidOperationException(
                $"the copy does not add up, so nothing was copied: {oldEvents} old events, {events} inserted, {sameEvents} identical, {links} chained; " +
                $"{oldStreams} old streams, {streams} inserted, {sameStreams} at the same version");
    }

    private static async Task RefuseAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, Func<string, long, string, string> line,
        string why, CancellationToken ct)
    {
        var found = new List<string>();
        await using (var command = new NpgsqlCommand(sql, connection, tx))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) found.Add(line(reader.GetString(0), reader.GetInt64(1), reader.GetString(2)));
        if (found.Count > 0) throw new InvalidOperationException($"{why}: {string.Join("; ", found)}");
    }

    private static async Task<long> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The previous version's docs/audit/verify-chain.sql, as it shipped: every broken place of the old chain (first 10).</summary>
    private const string LegacyChainProblems = """
        WITH chain AS (
            SELECT stream_id, version, hash,
                   version - coalesce(lag(version) OVER w, 0) AS step,
                   sha256(coalesce(lag(hash) OVER w, ''::bytea) || convert_to(
                       jsonb_build_array(stream_id, version, type, schema_version, data, metadata,
                                         (extract(epoch FROM created_at) * 1000000)::bigint)::text, 'UTF8')) AS expected
              FROM es.events
            WINDOW w AS (PARTITION BY stream_id ORDER BY version)
        ), heads AS (
            SELECT DISTINCT ON (stream_id) stream_id, version, hash
              FROM es.events ORDER BY stream_id, version DESC
        )
        SELECT stream_id, version, 'hash does not match content and predecessor' AS problem
          FROM chain WHERE hash <> expected
        UNION ALL
        SELECT stream_id, version - step + 1, 'version missing'
          FROM chain WHERE step <> 1
        UNION ALL
        SELECT s.stream_id, s.version, 'stream head does not match its last event'
          FROM es.streams s LEFT JOIN heads h USING (stream_id)
         WHERE h.version IS DISTINCT FROM s.version OR h.hash IS DISTINCT FROM s.last_hash
        UNION ALL
        SELECT h.stream_id, h.version, 'events without a stream head'
          FROM heads h LEFT JOIN es.streams s USING (stream_id)
         WHERE s.stream_id IS NULL
        ORDER BY 1, 2
        LIMIT 10
        """;
}

/// <summary>What <see cref="CopyLegacyEvents"/> did.</summary>
/// <param name="BrokenStreams">Streams whose new chain does not verify after the copy (0 unless something else wrote meanwhile).</param>
public sealed record LegacyCopyResult(long Streams, long Events, int BrokenStreams)
{
    public static LegacyCopyResult NothingToCopy { get; } = new(0, 0, 0);
}
