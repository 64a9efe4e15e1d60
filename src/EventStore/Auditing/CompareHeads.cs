using Npgsql;

namespace ZeroLagHub.EventStore.Auditing;

/// <summary>
/// Compares streams with heads recorded earlier. For each anchored (stream, version, hash) it
/// recomputes the chain of the stored events up to that version and compares the stored hash at that
/// version with the anchored one. Both are needed: the first catches an event edited without fixing
/// its hash, the second a chain rewritten consistently (which only a copy kept outside can reveal).
/// Events appended after the anchor are not this check's business (VerifyStreams covers them).
/// </summary>
internal static class CompareHeads
{
    private const string Sql = """
        WITH anchored AS (
            SELECT * FROM unnest(@streams, @versions, @hashes) AS a(stream_id, version, hash)
        ), chain AS (
            SELECT e.stream_id, e.version, e.hash,
                   e.version - coalesce(lag(e.version) OVER w, 0) AS step,
                   es.event_hash(lag(e.hash) OVER w, e.stream_id, e.version, e.type, e.schema_version, e.data, e.metadata,
                                 e.created_at) AS expected
              FROM es.events e JOIN anchored a ON a.stream_id = e.stream_id AND e.version <= a.version
            WINDOW w AS (PARTITION BY e.stream_id ORDER BY e.version)
        ), per_stream AS (
            SELECT stream_id, count(*) AS present,
                   min(version - step + 1) FILTER (WHERE step <> 1) AS first_missing,
                   min(version) FILTER (WHERE hash <> expected) AS first_mismatch
              FROM chain GROUP BY stream_id
        )
        SELECT a.stream_id, a.version, coalesce(p.present, 0), p.first_missing, p.first_mismatch, e.hash = a.hash
          FROM anchored a
          LEFT JOIN per_stream p USING (stream_id)
          LEFT JOIN es.events e ON e.stream_id = a.stream_id AND e.version = a.version
         ORDER BY a.stream_id
        """;

    public static async Task<List<AnchorDiscrepancy>> ExecuteAsync(NpgsqlDataSource dataSource, IReadOnlyList<StreamHead> anchored,
        CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<string[]>("streams", [.. anchored.Select(h => h.StreamId)]));
        command.Parameters.Add(new NpgsqlParameter<long[]>("versions", [.. anchored.Select(h => h.Version)]));
        command.Parameters.Add(new NpgsqlParameter<byte[][]>("hashes", [.. anchored.Select(h => h.Hash)]));
        var found = new List<AnchorDiscrepancy>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var judged = Judge(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetInt64(4),
                reader.IsDBNull(5) ? null : reader.GetBoolean(5));
            if (judged is not null) found.Add(judged);
        }
        return found;
    }

    private static AnchorDiscrepancy? Judge(string stream, long version, long present, long? missing, long? mismatch, bool? headMatches)
    {
        if (present == 0)
            return new(stream, 1, $"the stream has no events now; the anchor recorded it at version {version}");
        // A missing event breaks its successor's link too, so the gap is reported first.
        if (missing is { } m && (mismatch is null || m <= mismatch))
            return new(stream, m, $"version {m} is missing");
        if (mismatch is { } x)
            return new(stream, x, $"version {x} was altered: its stored hash does not match its content and predecessor");
        if (headMatches is null)
            return new(stream, present + 1, $"the stream was truncated: the anchor recorded version {version}, {present} remain");
        if (headMatches == false)
            return new(stream, version,
                $"the chain up to version {version} was rewritten: its hash differs from the anchored one although every link checks out");
        return null;
    }
}
