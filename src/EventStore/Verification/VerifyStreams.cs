using Npgsql;

namespace ZeroLagHub.EventStore.Verification;

/// <summary>
/// Recomputes the hash chain of a set of streams in the database, from the stored rows, and compares
/// it with the stored hashes and with each stream's head (which catches deleted trailing events).
/// docs/audit/verify-chain.sql is the same check written out for auditors who run no application code.
/// </summary>
internal static class VerifyStreams
{
    private const string Sql = """
        WITH chain AS (
            SELECT stream_id, version, hash,
                   version - coalesce(lag(version) OVER w, 0) AS step,
                   es.event_hash(lag(hash) OVER w, stream_id, version, type, schema_version, data, metadata, created_at) AS expected
              FROM es.events
             WHERE stream_id = ANY(@streams)
            WINDOW w AS (PARTITION BY stream_id ORDER BY version)
        ), per_stream AS (
            SELECT stream_id,
                   count(*) AS checked,
                   max(version) AS last_version,
                   min(version - step + 1) FILTER (WHERE step <> 1) AS first_missing,
                   min(version) FILTER (WHERE hash <> expected) AS first_mismatch,
                   (array_agg(hash ORDER BY version DESC))[1] AS last_hash
              FROM chain GROUP BY stream_id
        )
        SELECT s.stream_id, coalesce(c.checked, 0), s.version, c.last_version, c.first_missing, c.first_mismatch,
               c.last_hash IS NOT DISTINCT FROM s.last_hash
          FROM es.streams s LEFT JOIN per_stream c USING (stream_id)
         WHERE s.stream_id = ANY(@streams)
         ORDER BY s.stream_id
        """;

    public static async Task<List<StreamVerification>> ExecuteAsync(NpgsqlDataSource dataSource, string[] streamIds, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<string[]>("streams", streamIds));
        var results = new List<StreamVerification>(streamIds.Length);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var streamId = reader.GetString(0);
            var checkedCount = reader.GetInt64(1);
            var headVersion = reader.GetInt64(2);
            long? lastVersion = reader.IsDBNull(3) ? null : reader.GetInt64(3);
            long? gap = reader.IsDBNull(4) ? null : reader.GetInt64(4);
            long? mismatch = reader.IsDBNull(5) ? null : reader.GetInt64(5);
            var headMatches = reader.GetBoolean(6);
            results.Add(Judge(streamId, checkedCount, headVersion, lastVersion, gap, mismatch, headMatches));
        }
        return results;
    }

    private static StreamVerification Judge(string streamId, long checkedCount, long headVersion, long? lastVersion,
        long? gap, long? mismatch, bool headMatches)
    {
        // A missing event also breaks its successor's link, so the gap is the first thing to report.
        if (gap is { } g && (mismatch is null || g <= mismatch))
            return new(streamId, checkedCount, g, $"version {g} is missing");
        if (mismatch is { } m)
            return new(streamId, checkedCount, m, $"the hash of version {m} does not match its content and predecessor");
        if (lastVersion != headVersion || !headMatches)
            return new(streamId, checkedCount, (lastVersion ?? 0) + 1,
                $"the stream head says version {headVersion} but the last stored event is {lastVersion ?? 0}, or its hash differs");
        return new(streamId, checkedCount, null, null);
    }
}
