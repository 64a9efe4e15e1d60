using System.Runtime.CompilerServices;
using Npgsql;
using ZeroLagHub.EventStore.Appending;
using ZeroLagHub.EventStore.Reading;
using ZeroLagHub.EventStore.Schema;
using ZeroLagHub.EventStore.Serialization;
using ZeroLagHub.EventStore.Verification;

namespace ZeroLagHub.EventStore;

/// <summary>The PostgreSQL event store. Its tables and functions live in the <c>es</c> schema.</summary>
public sealed class PostgresEventStore(NpgsqlDataSource dataSource, EventTypeRegistry types) : IEventStore
{
    private const int VerifyChunk = 500;

    /// <summary>Creates or upgrades the <c>es</c> schema; safe to call from several nodes at once.</summary>
    public static Task<int> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken ct = default) =>
        new SchemaMigrator(dataSource).MigrateAsync("es", typeof(PostgresEventStore).Assembly, ct);

    public async Task<AppendResult> AppendAsync(string streamId, ExpectedVersion expected, IReadOnlyCollection<object> events,
        EventMetadata? metadata = null, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await AppendEvents.ExecuteAsync(connection, null, types, streamId, expected, events, metadata, ct);
    }

    public Task<AppendResult> AppendAsync(NpgsqlTransaction transaction, string streamId, ExpectedVersion expected,
        IReadOnlyCollection<object> events, EventMetadata? metadata = null, CancellationToken ct = default) =>
        AppendEvents.ExecuteAsync(transaction.Connection!, transaction, types, streamId, expected, events, metadata, ct);

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
