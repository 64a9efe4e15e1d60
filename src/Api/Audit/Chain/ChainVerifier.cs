using System.Runtime.CompilerServices;
using Marten;
using Npgsql;

namespace ZeroLagHub.Api.Audit.Chain;

/// <summary>
/// Recomputes the hash chain of Marten's streams from the stored rows and compares it with the links and
/// with each stream's head in <c>mt_streams</c> (which catches deleted trailing events).
/// docs/audit/verify-chain.sql is the same check for auditors who run no application code.
/// </summary>
public sealed class ChainVerifier(IDocumentStore store)
{
    private const int Chunk = 500;
    private readonly ChainTables _t = ChainTables.For(store);

    /// <summary>One stream; null when there is no such stream.</summary>
    public async Task<StreamVerification?> VerifyAsync(string streamId, CancellationToken ct = default) =>
        (await VerifyChunkAsync([streamId], ct)).SingleOrDefault();

    /// <summary>
    /// Every stream, a chunk per query, yielding each stream's result as it goes: one query over the whole
    /// store would hold one snapshot, and with it the async daemon's high-water mark, for as long as it ran.
    /// </summary>
    public async IAsyncEnumerable<StreamVerification> VerifyAllAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        var after = "";
        while (true)
        {
            var chunk = await StreamIdsAfterAsync(after, ct);
            if (chunk.Length == 0) yield break;
            foreach (var result in await VerifyChunkAsync(chunk, ct)) yield return result;
            after = chunk[^1];
        }
    }

    private async Task<List<StreamVerification>> VerifyChunkAsync(string[] streamIds, CancellationToken ct)
    {
        var sql = $"""
            WITH {ChainCheck.Cte(_t)}
            SELECT s.id::text, coalesce(p.present, 0), s.version, p.last_version, p.first_broken, p.problem
              FROM {_t.Streams} s LEFT JOIN per_stream p ON p.stream_id = s.id
             WHERE s.id = ANY(@streams::{_t.StreamIdType}[])
             ORDER BY s.id::text
            """;
        await using var connection = await ChainConnection.OpenAsync(store, ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]>("streams", streamIds));
        command.Parameters.Add(new NpgsqlParameter<long[]>("upto", [.. streamIds.Select(_ => long.MaxValue)]));
        var results = new List<StreamVerification>(streamIds.Length);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var streamId = reader.GetString(0);
            var present = reader.GetInt64(1);
            var head = reader.GetInt64(2);
            long? last = reader.IsDBNull(3) ? null : reader.GetInt64(3);
            if (!reader.IsDBNull(4))
            {
                var broken = reader.GetInt64(4);
                results.Add(new(streamId, present, broken, ChainCheck.Reason(reader.GetInt32(5), broken)));
            }
            else if (last != head)
                results.Add(new(streamId, present, (last ?? 0) + 1,
                    $"the stream head says version {head} but the last stored event is {last ?? 0}"));
            else results.Add(new(streamId, present, null, null));
        }
        return results;
    }

    private async Task<string[]> StreamIdsAfterAsync(string after, CancellationToken ct)
    {
        await using var connection = await ChainConnection.OpenAsync(store, ct);
        await using var command = new NpgsqlCommand($"""
            SELECT id::text FROM {_t.Streams}
             WHERE id::text > @after AND id <> {_t.TombstoneStreamLiteral}
             ORDER BY id::text LIMIT @limit
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string>("after", after));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", Chunk));
        var ids = new List<string>(Chunk);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetString(0));
        return [.. ids];
    }
}
