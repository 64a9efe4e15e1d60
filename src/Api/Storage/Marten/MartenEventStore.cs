using System.Runtime.CompilerServices;
using JasperFx.Events;
using IEventStore = ZeroLagHub.Projections.Events.IEventStore;
using Marten;
using SessionOptions = Marten.Services.SessionOptions;
using Npgsql;
using ZeroLagHub.Projections.Events;
using ZeroLagHub.Projections.Marten;

namespace ZeroLagHub.Api.Storage.Marten;

/// <summary>
/// The API's streams on Marten: appends with an expected version, inside the caller's transaction when it
/// has one (so the message queue and the audit row commit with the events), and reads folded by Marten.
/// Stream ids are the domain's Guids in their "D" form.
/// </summary>
/// <remarks>
/// Same-stream races surface as Marten's <see cref="EventStreamUnexpectedMaxEventIdException"/> (also for
/// <see cref="ExpectedVersion.Any"/>: two appenders computed the same next version) or
/// <see cref="ExistingStreamIdCollisionException"/> (two starts): callers decide again
/// (<see cref="Commands.ControlPlaneTransaction.IsConflict"/>).
/// </remarks>
/// <param name="notifier">Wakes the projection daemon after a caller's commit; none: the daemon finds the events by polling.</param>
public sealed class MartenEventStore(IDocumentStore store, NpgsqlDataSource dataSource, DomainFolds folds, AppendNotifier? notifier = null) : IEventStore
{
    /// <summary>How often an append to "any version" is retried after losing a race before the error surfaces.</summary>
    private const int AnyVersionAttempts = 5;

    public async Task<AppendResult> AppendAsync(string streamId, ExpectedVersion expected, IReadOnlyCollection<object> events,
        EventMetadata? metadata = null, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct);
                await using var transaction = await connection.BeginTransactionAsync(ct);
                var result = await AppendAsync(transaction, streamId, expected, events, metadata, ct);
                await transaction.CommitAsync(ct);
                AfterCommit();
                return result;
            }
            catch (Exception e) when (expected == ExpectedVersion.Any && attempt < AnyVersionAttempts &&
                                      e is EventStreamUnexpectedMaxEventIdException or ExistingStreamIdCollisionException)
            {
                // Two first appends to a new stream (no row to lock yet); "any" means the next version is as good.
            }
        }
    }

    public async Task<AppendResult> AppendAsync(NpgsqlTransaction transaction, string streamId, ExpectedVersion expected,
        IReadOnlyCollection<object> events, EventMetadata? metadata = null, CancellationToken ct = default)
    {
        // The caller's connection and transaction: Marten writes in it and leaves the commit to the caller.
        var id = StreamGuid(streamId);
        if (expected == ExpectedVersion.Any && await StreamRowLock.LockAsync(transaction, id, ct) is { } current)
            expected = ExpectedVersion.Exactly(current); // nobody moves the stream past it until this transaction ends
        await using var session = store.LightweightSession(SessionOptions.ForTransaction(transaction));
        var action = Append(session, id, expected, events, metadata);
        using (AppendNotifier.InCallersTransaction()) await session.SaveChangesAsync(ct);
        return Result(streamId, action);
    }

    /// <summary>Marten did not commit the caller's transaction, so its session listener fired too early: wake the daemon now.</summary>
    public void AfterCommit() => notifier?.Committed();

    private static StreamAction Append(IDocumentSession session, Guid id, ExpectedVersion expected,
        IReadOnlyCollection<object> events, EventMetadata? metadata)
    {
        if (events.Count == 0) throw new ArgumentException("an append needs at least one event", nameof(events));
        if (metadata is not null)
        {
            session.LastModifiedBy = metadata.User;
            session.CorrelationId = metadata.CorrelationId;
            session.CausationId = metadata.CausationId;
            if (metadata.ClientIp is not null) session.SetHeader(EventHeaders.ClientIp, metadata.ClientIp);
            if (metadata.CausationId is not null) session.SetHeader(EventHeaders.CommandId, metadata.CausationId);
        }
        var batch = events.ToArray();
        return expected.Value switch
        {
            -1 => session.Events.Append(id, batch),
            0 => session.Events.StartStream(id, batch),
            // Marten's expected version is the stream's version AFTER the append.
            var v => session.Events.Append(id, v + batch.Length, batch),
        };
    }

    private static AppendResult Result(string streamId, StreamAction action) =>
        new(streamId, action.Events[^1].Version, action.Events[^1].Sequence);

    public IAsyncEnumerable<StoredEvent> ReadStreamAsync(string streamId, long fromVersion = 1, long toVersion = long.MaxValue,
        int pageSize = 1000, CancellationToken ct = default) =>
        ReadStream(streamId, fromVersion, toVersion, asOf: null, ct);

    public IAsyncEnumerable<StoredEvent> ReadStreamAsOfAsync(string streamId, DateTimeOffset asOf, int pageSize = 1000,
        CancellationToken ct = default) =>
        ReadStream(streamId, 1, long.MaxValue, asOf, ct);

    private async IAsyncEnumerable<StoredEvent> ReadStream(string streamId, long fromVersion, long toVersion, DateTimeOffset? asOf,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var events = await session.Events.FetchStreamAsync(StreamGuid(streamId),
            version: toVersion == long.MaxValue ? 0 : toVersion, timestamp: asOf, fromVersion: Math.Max(fromVersion, 1), token: ct);
        foreach (var e in events) yield return SqlReadModelProjection.ToStored(e);
    }

    public async Task<Aggregate<TState>> AggregateStreamAsync<TState>(string streamId, TState initial, Func<TState, object, TState> evolve,
        long upToVersion = long.MaxValue, DateTimeOffset? asOf = null, CancellationToken ct = default)
    {
        // Marten folds with the projection registered for TState; the caller's Evolve must be that one.
        folds.Require(initial, evolve);
        await using var session = store.QuerySession();
        var folded = await session.Events.AggregateStreamAsync<Folded<TState>>(StreamGuid(streamId),
            version: upToVersion == long.MaxValue ? 0 : upToVersion, timestamp: asOf, token: ct);
        return folded is null ? new Aggregate<TState>(initial, 0) : new Aggregate<TState>(folded.State, folded.Version);
    }

    private static Guid StreamGuid(string streamId) => Guid.TryParse(streamId, out var id)
        ? id
        : throw new ArgumentException($"stream id '{streamId}' is not a UUID: every stream is a container's or a deployment's", nameof(streamId));
}
