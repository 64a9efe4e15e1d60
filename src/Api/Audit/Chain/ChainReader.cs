using System.Runtime.CompilerServices;
using Marten;
using Npgsql;
using NpgsqlTypes;
using ZeroLagHub.Domain;

namespace ZeroLagHub.Api.Audit.Chain;

/// <summary>
/// What auditors read and what external anchoring needs, from Marten's tables and the chain: events in
/// their stored form with their link hashes, stream heads, and a comparison with heads recorded earlier.
/// </summary>
public sealed class ChainReader(IDocumentStore store)
{
    private const int CompareChunk = 500;
    private static readonly Dictionary<string, int> SchemaVersions = DomainEvents.All.ToDictionary(e => e.Name, e => e.SchemaVersion);
    private readonly ChainTables _t = ChainTables.For(store);

    /// <summary>Marten's metadata columns as the JSON object auditors have always seen (user, correlationId,
    /// causationId, clientIp from the client_ip header, then any other header); through to_jsonb so that a
    /// column the store was not told to create reads as absent. Marten may store no headers as a JSON null.</summary>
    private string Columns => $"""
        e.seq_id, e.stream_id::text, e.version, e.type, e.data::text,
        (SELECT jsonb_strip_nulls(jsonb_build_object('user', r -> 'user_name', 'correlationId', r -> 'correlation_id',
                    'causationId', r -> 'causation_id', 'clientIp', h -> 'client_ip') || (h - 'client_ip'))::text
           FROM (SELECT to_jsonb(e) AS r) row,
                LATERAL (SELECT CASE WHEN jsonb_typeof(row.r -> 'headers') = 'object' THEN row.r -> 'headers' ELSE jsonb_build_object() END AS h) headers),
        e.timestamp, coalesce(c.hash, ''::bytea)
        """;

    private string From => $"{_t.Events} e LEFT JOIN {_t.Chain} c ON c.stream_id = e.stream_id AND c.version = e.version";

    /// <summary>Versions from <paramref name="fromVersion"/> on, at most <paramref name="limit"/> (1..1000).</summary>
    public async Task<List<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
        await using var connection = await ChainConnection.OpenAsync(store, ct);
        await using var command = new NpgsqlCommand($"""
            SELECT {Columns} FROM {From}
             WHERE e.stream_id = @stream::{_t.StreamIdType} AND e.version >= @from
             ORDER BY e.version LIMIT @limit
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string>("stream", streamId));
        command.Parameters.Add(new NpgsqlParameter<long>("from", Math.Max(fromVersion, 1)));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        var page = new List<RecordedEvent>(limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) page.Add(Read(reader));
        return page;
    }

    /// <summary>A whole stream in version order, streamed from one snapshot.</summary>
    public IAsyncEnumerable<RecordedEvent> ExportStreamAsync(string streamId, CancellationToken ct = default) =>
        StreamAsync($"SELECT {Columns} FROM {From} WHERE e.stream_id = @stream::{_t.StreamIdType} ORDER BY e.version",
            command => command.Parameters.Add(new NpgsqlParameter<string>("stream", streamId)), ct);

    /// <summary>Every event stored in [<paramref name="since"/>, <paramref name="until"/>) in sequence order, streamed from one snapshot.</summary>
    public IAsyncEnumerable<RecordedEvent> ExportRangeAsync(DateTimeOffset? since, DateTimeOffset? until, CancellationToken ct = default) =>
        StreamAsync($"""
            SELECT {Columns} FROM {From}
             WHERE (@since::timestamptz IS NULL OR e.timestamp >= @since)
               AND (@until::timestamptz IS NULL OR e.timestamp < @until)
               AND e.stream_id <> {_t.TombstoneStreamLiteral}
             ORDER BY e.seq_id
            """, command =>
        {
            command.Parameters.Add(Time("since", since));
            command.Parameters.Add(Time("until", until));
        }, ct);

    /// <summary>The stream's head; null when there is no such stream.</summary>
    public async Task<StreamHead?> HeadAsync(string streamId, CancellationToken ct = default)
    {
        await using var connection = await ChainConnection.OpenAsync(store, ct);
        await using var command = new NpgsqlCommand($"{HeadsSql} WHERE s.id = @stream::{_t.StreamIdType}", connection);
        command.Parameters.Add(new NpgsqlParameter<string>("stream", streamId));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadHead(reader) : null;
    }

    /// <summary>Every stream's head and the last sequence number, consistent with each other.</summary>
    public async Task<HeadsSnapshot> HeadsAsync(CancellationToken ct = default)
    {
        await using var connection = await ChainConnection.OpenAsync(store, ct);
        // REPEATABLE READ READ ONLY: both statements see the same commits. Read-only, it takes no
        // transaction id, so the daemon's gap detection does not wait on it.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, tx))
            await readOnly.ExecuteNonQueryAsync(ct);
        long last;
        await using (var command = new NpgsqlCommand($"SELECT coalesce(max(seq_id), 0) FROM {_t.Events}", connection, tx))
            last = (long)(await command.ExecuteScalarAsync(ct))!;
        var heads = new List<StreamHead>();
        await using (var command = new NpgsqlCommand($"{HeadsSql} WHERE s.id <> {_t.TombstoneStreamLiteral} ORDER BY s.id::text", connection, tx))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) heads.Add(ReadHead(reader));
        await tx.CommitAsync(ct);
        return new HeadsSnapshot(last, heads);
    }

    /// <summary>
    /// Every stream whose history up to its anchored version differs from <paramref name="anchored"/>;
    /// empty when all match. One short query per chunk of streams.
    /// </summary>
    public async Task<List<AnchorDiscrepancy>> CompareAsync(IReadOnlyList<StreamHead> anchored, CancellationToken ct = default)
    {
        var found = new List<AnchorDiscrepancy>();
        foreach (var chunk in anchored.Chunk(CompareChunk)) found.AddRange(await AnchorComparison.ExecuteAsync(store, _t, chunk, ct));
        return found;
    }

    // The head's hash is its link at the head's version: the one value that vouches for the whole stream.
    private string HeadsSql => $"""
        SELECT s.id::text, s.version, coalesce(c.hash, ''::bytea)
          FROM {_t.Streams} s LEFT JOIN {_t.Chain} c ON c.stream_id = s.id AND c.version = s.version
        """;

    /// <summary>
    /// One statement, read as it streams: a single snapshot, so the export is consistent, and the
    /// caller writes each row out before the next is read.
    /// </summary>
    private async IAsyncEnumerable<RecordedEvent> StreamAsync(string sql, Action<NpgsqlCommand> parameters,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await ChainConnection.OpenAsync(store, ct);
        await using var command = new NpgsqlCommand(sql, connection);
        parameters(command);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct)) yield return Read(reader);
    }

    private static NpgsqlParameter Time(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = value is { } t ? t.ToUniversalTime() : DBNull.Value };

    private static RecordedEvent Read(NpgsqlDataReader row)
    {
        // Columns in order: the export reads with SequentialAccess.
        var position = row.GetInt64(0);
        var streamId = row.GetString(1);
        var version = row.GetInt64(2);
        var type = row.GetString(3);
        return new(
            Position: position,
            StreamId: streamId,
            Version: version,
            Type: type,
            SchemaVersion: SchemaVersions.GetValueOrDefault(type, 1),
            Data: row.GetString(4),
            Metadata: row.GetString(5),
            Timestamp: row.GetFieldValue<DateTimeOffset>(6),
            Hash: row.GetFieldValue<byte[]>(7));
    }

    private static StreamHead ReadHead(NpgsqlDataReader row) => new(row.GetString(0), row.GetInt64(1), row.GetFieldValue<byte[]>(2));
}
