using EventStreamUnexpectedMaxEventIdException = JasperFx.Events.EventStreamUnexpectedMaxEventIdException;
using Marten.Exceptions;
using Npgsql;
using ZeroLagHub.Api.Audit;
using ZeroLagHub.Domain.Decisions;
using ZeroLagHub.Projections.Events;
using Wolverine;
using Wolverine.RDBMS;
using Wolverine.Runtime;

namespace ZeroLagHub.Api.Commands;

/// <summary>
/// Events, the messages they cause and the audit row, in ONE transaction: a crash between them cannot
/// leave events without their messages (a command never sent) or messages without events.
/// The messages go through Wolverine's outbox enlisted in the same transaction: rows in its inbox (durable
/// local queues) that commit or roll back with the events, handed to the local workers once committed.
/// </summary>
public sealed class ControlPlaneTransaction(NpgsqlDataSource dataSource, IEventStore store, IWolverineRuntime wolverine)
{
    /// <exception cref="EventStreamUnexpectedMaxEventIdException">A stream moved since the decision (or another
    /// writer took the same next version); nothing was written.</exception>
    /// <exception cref="ExistingStreamIdCollisionException">A stream expected not to exist was started meanwhile.</exception>
    /// <exception cref="PostgresException">40001 when a newer transaction appended first; 23505 on
    /// <c>command_audit_accepted_once</c> when <paramref name="audit"/> accepts a command id accepted before
    /// (<see cref="FindAcceptedCommand.WasAcceptedFirstByACopy"/>). Nothing was written.</exception>
    /// <returns><paramref name="guard"/>'s rejection (nothing was written), or null when all was written.</returns>
    public async Task<Rejection?> WriteAsync(IReadOnlyList<StreamAppend> appends, IReadOnlyList<OutgoingMessage> messages,
        EventMetadata metadata, AuditEntry? audit, CancellationToken ct, WriteGuard? guard = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var outbox = new MessageContext(wolverine);
        // First, before the appends take their sequence numbers: a guard waiting on its lock has taken none, so Marten's
        // daemon, which holds its high-water mark behind a live transaction that may still commit taken numbers, waits for no guard.
        if (guard is not null && await guard(tx, ct) is { } rejection)
        {
            await tx.RollbackAsync(ct);
            return rejection;
        }
        foreach (var append in appends.Where(a => a.Events.Count > 0))
            await store.AppendAsync(tx, append.StreamId, append.Expected, [.. append.Events], metadata, ct);
        if (messages.Count > 0)
        {
            // Not disposed: disposing it would dispose the transaction, which is ours.
            await outbox.EnlistInOutboxAsync(new DatabaseEnvelopeTransaction((IMessageDatabase)wolverine.Storage, tx));
            foreach (var message in messages)
            {
                if (message.Key is { } key && !await OutboxKey.ClaimAsync(tx, key, ct)) continue;
                if (message.DeliverAt is { } at) await outbox.ScheduleAsync(message.Message, at);
                else await outbox.PublishAsync(message.Message);
            }
        }
        if (audit is not null) await InsertAuditEntry.ExecuteAsync(connection, tx, audit, ct);
        await tx.CommitAsync(ct);
        store.AfterCommit();
        // After the commit: a worker handed the message before would not find the events it acts on. A crash
        // in between loses nothing; the inbox rows are recovered as any node's.
        await outbox.FlushOutgoingMessagesAsync();
        return null;
    }

    /// <summary>A refused command's audit row, alone: nothing else is written for it.</summary>
    public async Task AuditAsync(AuditEntry audit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await InsertAuditEntry.ExecuteAsync(connection, null, audit, ct);
    }

    /// <summary>The audit row of <paramref name="commandId"/>'s acceptance, if it was accepted before.</summary>
    public Task<AuditEntry?> FindAcceptedAsync(Guid commandId, CancellationToken ct) => FindAcceptedCommand.ExecuteAsync(dataSource, commandId, ct);

    /// <summary>A version conflict, or a transaction PostgreSQL aborted for a concurrent one: reload, decide again, write again.</summary>
    public static bool IsConflict(Exception e) =>
        // Both namespaces: Marten's own collision type derives from, or is replaced by, the JasperFx one across versions.
        e is EventStreamUnexpectedMaxEventIdException or ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException
        || WasAbortedForAnother(e);

    // A serialization failure, or a deadlock PostgreSQL broke by aborting this side (two appends locking their streams'
    // rows in mt_quick_append_events; CI caught it as a 500): nothing of the transaction was written. Marten wraps it
    // (SessionTransactionUnusableException), so the cause is looked for down the chain.
    private static bool WasAbortedForAnother(Exception e) => e switch
    {
        PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected } => true,
        { InnerException: { } inner } => WasAbortedForAnother(inner),
        _ => false,
    };
}
