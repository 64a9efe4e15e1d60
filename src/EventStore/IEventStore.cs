using Npgsql;
using ZeroLagHub.EventStore.Appending;
using ZeroLagHub.EventStore.Reading;
using ZeroLagHub.EventStore.Verification;

namespace ZeroLagHub.EventStore;

/// <summary>
/// An append-only store of event streams with a per-stream hash chain and a gap-free global order.
/// Stream ids are opaque strings (callers use UUIDs). Versions start at 1 and are contiguous.
/// </summary>
public interface IEventStore
{
    /// <summary>Appends a batch to one stream in one round trip.</summary>
    /// <exception cref="ConcurrencyException">The stream is not at <paramref name="expected"/>; nothing was written.</exception>
    Task<AppendResult> AppendAsync(string streamId, ExpectedVersion expected, IReadOnlyCollection<object> events,
        EventMetadata? metadata = null, CancellationToken ct = default);

    /// <summary>
    /// Appends inside the caller's transaction, so read models (inline projections run here too) and
    /// outgoing messages written in it commit with the events or not at all. Call
    /// <see cref="AfterCommit"/> once the caller has committed.
    /// </summary>
    /// <exception cref="PostgresException">
    /// SQLSTATE 40001 (serialization failure, transient) when a transaction newer than the caller's
    /// appended to the stream first: accepting it would order this event before that one in the log.
    /// Retry the whole transaction.
    /// </exception>
    Task<AppendResult> AppendAsync(NpgsqlTransaction transaction, string streamId, ExpectedVersion expected,
        IReadOnlyCollection<object> events, EventMetadata? metadata = null, CancellationToken ct = default);

    /// <summary>Wakes projections and workers after the caller committed a transaction that appended events.</summary>
    void AfterCommit();

    /// <summary>
    /// Reads versions <paramref name="fromVersion"/>..<paramref name="toVersion"/> (inclusive), fetching
    /// pages of <paramref name="pageSize"/>; each page is its own short query, so a long read never holds
    /// a snapshot open.
    /// </summary>
    IAsyncEnumerable<StoredEvent> ReadStreamAsync(string streamId, long fromVersion = 1, long toVersion = long.MaxValue,
        int pageSize = 1000, CancellationToken ct = default);

    /// <summary>The stream as it stood at <paramref name="asOf"/>: every event stored at or before it.</summary>
    IAsyncEnumerable<StoredEvent> ReadStreamAsOfAsync(string streamId, DateTimeOffset asOf, int pageSize = 1000,
        CancellationToken ct = default);

    /// <summary>
    /// The next events of the whole log after <paramref name="after"/> (exclusive) in gap-free order:
    /// an event that commits late is delivered later, never skipped.
    /// </summary>
    Task<EventPage> ReadAllAsync(LogPosition after, int maxCount = 1000, CancellationToken ct = default);

    /// <summary>Folds a stream into state, up to a version or a point in time (the earlier bound wins).</summary>
    Task<Aggregate<TState>> AggregateStreamAsync<TState>(string streamId, TState initial, Func<TState, object, TState> evolve,
        long upToVersion = long.MaxValue, DateTimeOffset? asOf = null, CancellationToken ct = default);

    /// <summary>Checks one stream's hash chain; null when the stream does not exist.</summary>
    Task<StreamVerification?> VerifyAsync(string streamId, CancellationToken ct = default);

    /// <summary>Checks every stream, a chunk of streams per query, yielding each stream's result as it goes.</summary>
    IAsyncEnumerable<StreamVerification> VerifyAllAsync(CancellationToken ct = default);
}
