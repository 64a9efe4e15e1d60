using System.Runtime.CompilerServices;
using Npgsql;
using ZeroLagHub.EventStore.Appending;
using ZeroLagHub.EventStore.Daemon;
using ZeroLagHub.EventStore.Projections;
using ZeroLagHub.EventStore.Reading;
using ZeroLagHub.EventStore.Schema;
using ZeroLagHub.EventStore.Serialization;
using ZeroLagHub.EventStore.Verification;

namespace ZeroLagHub.EventStore;

/// <summary>The PostgreSQL event store. Its tables and functions live in the <c>es</c> schema.</summary>
/// <param name="signal">Woken after each commit that appended events, so projections and workers react at once.</param>
/// <param name="inlineProjections">Applied in every appending transaction; their tables must exist
/// (<see cref="Daemon.ProjectionAdmin.EnsureAsync"/>).</param>
public sealed class PostgresEventStore(NpgsqlDataSource dataSource, EventTypeRegistry types,
    CommitSignal? signal = null, IEnumerable<IProjection>? inlineProjections = null) : IEventStore
{
    private readonly IProjection[] _inline = [.. inlineProjections ?? []];

    private const int VerifyChunk = 500;

    internal EventTypeRegistry Types => types;

    /// <summary>The schema version this build migrates to (its newest embedded migration).</summary>
    public static int LatestSchemaVersion { get; } = Migration.FromResources(typeof(PostgresEventStore).Assembly)[^1].Version;

    /// <summary>Creates or upgrades the <c>es</c> schema; safe to call from several nodes at once.</summary>
    public static Task<int> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken ct = default) =>
        new SchemaMigrator(dataSource).MigrateAsync("es", typeof(PostgresEventStore).Assembly, ct);

    public async Task<AppendResult> AppendAsync(string streamId, ExpectedVersion expected, IReadOnlyCollection<object> events,
        EventMetadata? metadata = null, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await AppendInOwnTransaction(streamId, expected, events, metadata, ct);
                AfterCommit();
                return result;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.SerializationFailure && attempt < 5)
            {
                // A newer transaction wrote the stream first (see es.append_events); a new one will not clash.
            }
        }
    }

    private async Task<AppendResult> AppendInOwnTransaction(string streamId, ExpectedVersion expected,
        IReadOnlyCollection<object> events, EventMetadata? metadata, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (_inline.Length == 0) // one statement, autocommitted: the fast path
            return Result(await AppendEvents.ExecuteAsync(connection, null, types, streamId, expected, events, metadata, ct));

        await using var tx = await connection.BeginTransactionAsync(ct);
        var result = await AppendAsync(tx, streamId, expected, events, metadata, ct);
        await tx.CommitAsync(ct);
        return result;
    }

    public async Task<AppendResult> AppendAsync(NpgsqlTransaction transaction, string streamId, ExpectedVersion expected,
        IReadOnlyCollection<object> events, EventMetadata? metadata = null, CancellationToken ct = default)
    {
        var connection = transaction.Connection ?? throw new InvalidOperationException("the transaction has already ended");
        var stored = await AppendEvents.ExecuteAsync(connection, transaction, types, streamId, expected, events, metadata, ct);
        foreach (var projection in _inline)
            await projection.ApplyAsync(stored, new ProjectionContext(transaction, table => table), ct);
        return Result(stored);
    }

    public void AfterCommit() => signal?.Committed();

    private static AppendResult Result(IReadOnlyList<StoredEvent> stored) =>
        new(stored[0].StreamId, stored[^1].Version, stored[^1].Position);

    public IAsyncEnumerable<StoredEvent> ReadStreamAsync(string streamId, long fromVersion = 1, long toVersion = long.MaxValue,
        int pageSize = 1000, CancellationToken ct = default) =>
        ReadStream(streamId, fromVersion, toVersion, asOf: null, pageSize, ct);

    public IAsyncEnumerable<StoredEvent> ReadStreamAsOfAsync(string streamId, DateTimeOffset asOf, int pageSize = 1000,
        CancellationToken ct = default) =>
        ReadStream(streamId, 1, long.MaxValue, asOf, pageSize, ct);

    public Task<EventPage> ReadAllAsync(LogPosition after, int maxCount = 1000, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        return ReadAllPage.ExecuteAsync(dataSource, types, after, maxCount, ct);
    }

    public async Task<Aggregate<TState>> AggregateStreamAsync<TState>(string streamId, TState initial,
        Func<TState, object, TState> evolve, long upToVersion = long.MaxValue, DateTimeOffset? asOf = null,
        CancellationToken ct = default)
    {
        var state = initial;
        long version = 0;
        await foreach (var e in ReadStream(streamId, 1, upToVersion, asOf, 1000, ct))
        {
            state = evolve(state, e.Data);
            version = e.Version;
        }
        return new Aggregate<TState>(state, version);
    }

    public async Task<StreamVerification?> VerifyAsync(string streamId, CancellationToken ct = default) =>
        (await VerifyStreams.ExecuteAsync(dataSource, [streamId], ct)).SingleOrDefault();

    public async IAsyncEnumerable<StreamVerification> VerifyAllAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        // Chunks of streams, one short query each: one query over the whole store would hold a snapshot,
        // and with it every gap-free reader in the cluster, for as long as it ran.
        var after = "";
        while (true)
        {
            var chunk = await StreamIdsAfter(after, ct);
            if (chunk.Length == 0) yield break;
            foreach (var result in await VerifyStreams.ExecuteAsync(dataSource, chunk, ct)) yield return result;
            after = chunk[^1];
        }
    }

    private async IAsyncEnumerable<StoredEvent> ReadStream(string streamId, long fromVersion, long toVersion,
        DateTimeOffset? asOf, int pageSize, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var next = Math.Max(fromVersion, 1);
        while (next <= toVersion)
        {
            var page = await ReadStreamPage.ExecuteAsync(dataSource, types, streamId, next, toVersion, asOf, pageSize, ct);
            foreach (var e in page) yield return e;
            if (page.Count < pageSize) yield break;
            next = page[^1].Version + 1;
        }
    }

    private async Task<string[]> StreamIdsAfter(string after, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT stream_id FROM es.streams WHERE stream_id > @after ORDER BY stream_id LIMIT @limit");
        command.Parameters.Add(new NpgsqlParameter<string>("after", after));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", VerifyChunk));
        var ids = new List<string>(VerifyChunk);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetString(0));
        return [.. ids];
    }
}
