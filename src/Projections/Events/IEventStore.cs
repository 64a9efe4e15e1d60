using Npgsql;

namespace ZeroLagHub.Projections.Events;

/// <summary>
/// The API's append-only event streams, as the command handlers and the read models see them; Marten holds
/// them (Api/Storage/Marten/MartenEventStore.cs), its async daemon reads the whole log, and the audit module
/// checks the hash chain. Stream ids are the domain's Guids in their "D" form; versions start at 1 and are contiguous.
/// </summary>
public interface IEventStore
{
    /// <summary>Appends a batch to one stream in a transaction of its own.</summary>
    /// <remarks>When the stream is not at <paramref name="expected"/>, nothing is written and the store's
    /// conflict exception surfaces (Marten's: see <c>ControlPlaneTransaction.IsConflict</c>).</remarks>
    Task<AppendResult> AppendAsync(string streamId, ExpectedVersion expected, IReadOnlyCollection<object> events,
        EventMetadata? metadata = null, CancellationToken ct = default);

    /// <summary>
    /// Appends inside the caller's transaction, so read models (inline projections run here too) and
    /// outgoing messages written in it commit with the events or not at all. Call
    /// <see cref="AfterCommit"/> once the caller has committed.
    /// </summary>
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

    /// <summary>Folds a stream into state, up to a version or a point in time (the earlier bound wins).</summary>
    Task<Aggregate<TState>> AggregateStreamAsync<TState>(string streamId, TState initial, Func<TState, object, TState> evolve,
        long upToVersion = long.MaxValue, DateTimeOffset? asOf = null, CancellationToken ct = default);
}
