using Marten;
using Npgsql;

namespace ZeroLagHub.Api.Audit.Chain;

/// <summary>
/// Compares streams with heads recorded earlier (a signed anchor). For each anchored (stream, version,
/// hash) it checks the chain link by link up to that version (<see cref="ChainCheck"/>) and compares the
/// link stored at that version with the anchored hash. Both are needed: the first catches an event edited
/// without fixing its link, the second a chain rewritten consistently, which only a copy kept outside
/// can reveal. Events appended after the anchor are not this check's business (the verifier covers them).
/// </summary>
internal static class AnchorComparison
{
    public static async Task<List<AnchorDiscrepancy>> ExecuteAsync(IDocumentStore store, ChainTables t, IReadOnlyList<StreamHead> anchored,
        CancellationToken ct)
    {
        var sql = $"""
            WITH {ChainCheck.Cte(t)}, anchored AS (
                SELECT * FROM unnest(@streams::{t.StreamIdType}[], @upto, @hashes) AS a(stream_id, version, hash)
            )
            SELECT a.stream_id::text, a.version, coalesce(p.present, 0), p.first_broken, p.problem, c.hash = a.hash
              FROM anchored a
              LEFT JOIN per_stream p ON p.stream_id = a.stream_id
              LEFT JOIN {t.Chain} c ON c.stream_id = a.stream_id AND c.version = a.version
             ORDER BY a.stream_id::text
            """;
        await using var connection = await ChainConnection.OpenAsync(store, ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]>("streams", [.. anchored.Select(h => h.StreamId)]));
        command.Parameters.Add(new NpgsqlParameter<long[]>("upto", [.. anchored.Select(h => h.Version)]));
        command.Parameters.Add(new NpgsqlParameter<byte[][]>("hashes", [.. anchored.Select(h => h.Hash)]));
        var found = new List<AnchorDiscrepancy>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var judged = Judge(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetBoolean(5));
            if (judged is not null) found.Add(judged);
        }
        return found;
    }

    private static AnchorDiscrepancy? Judge(string stream, long version, long present, long? broken, int? problem, bool? headMatches)
    {
        if (present == 0)
            return new(stream, 1, $"the stream has no events now; the anchor recorded it at version {version}");
        if (broken is { } b)
            return new(stream, b, problem == 4
                ? $"version {b} was altered: its stored hash does not match its content and predecessor"
                : ChainCheck.Reason(problem!.Value, b));
        if (present < version || headMatches is null)
            return new(stream, present + 1, $"the stream was truncated: the anchor recorded version {version}, {present} remain");
        if (headMatches == false)
            return new(stream, version,
                $"the chain up to version {version} was rewritten: its hash differs from the anchored one although every link checks out");
        return null;
    }
}
