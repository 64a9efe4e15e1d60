using JasperFx.Events;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Events.Projections;
using Npgsql;
using ZeroLagHub.Projections.Events;
using ZeroLagHub.Projections.ReadModels;

namespace ZeroLagHub.Projections.Marten;

/// <summary>
/// Runs one of our SQL read models (<see cref="ReadModels.IProjection"/>: tables behind views,
/// so a rebuild can fill generation n+1 and swap) as a Marten projection. Marten decides when and on
/// which node it runs, and keeps its progress; the batch is written in Marten's own transaction, the one
/// that also moves the projection's progress, so a crash can neither lose nor repeat a batch.
/// </summary>
/// <remarks>
/// The write happens in <see cref="ITransactionParticipant.BeforeCommitAsync"/> rather than through
/// queued Marten operations because our projections read the rows they fold onto: that read must run in
/// the same transaction as the write, after the previous batch committed.
/// </remarks>
public sealed class SqlReadModelProjection(ReadModels.IProjection readModel) : global::Marten.Events.Projections.IProjection
{
    public ReadModels.IProjection ReadModel { get; } = readModel;

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        if (events.Count == 0) return Task.CompletedTask;
        if (operations is not ITransactionParticipantRegistrar registrar)
            throw new InvalidOperationException($"Marten gave projection '{ReadModel.Name}' a session that cannot join its transaction");
        registrar.AddTransactionParticipant(new Batch(ReadModel, events));
        return Task.CompletedTask;
    }

    /// <summary>Our view of a Marten event: the shape every read model folds.</summary>
    public static StoredEvent ToStored(IEvent e) => new(
        e.Sequence, 0, e.StreamId.ToString("D"), e.Version, e.EventTypeName, 1, e.Data,
        new EventMetadata(e.UserName, e.CorrelationId, e.CausationId, e.GetHeader(EventHeaders.ClientIp)?.ToString()),
        e.Timestamp);

    private sealed class Batch(ReadModels.IProjection readModel, IReadOnlyList<IEvent> events) : ITransactionParticipant
    {
        public async Task BeforeCommitAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken token)
        {
            // Sequences and versions are final here: Marten's append has run in this transaction.
            // Writes go through the reader views (simple views are updatable), i.e. to the live generation.
            var context = new ProjectionContext(transaction, table => table);
            await SavepointAsync(transaction, "SAVEPOINT read_model", token);
            try
            {
                await readModel.ApplyAsync([.. events.Select(ToStored)], context, token);
            }
            catch (Exception e) when (IsPoisonCandidate(e))
            {
                // Find the event that fails, so Marten pauses the agent naming it and a skip skips that one only.
                await SavepointAsync(transaction, "ROLLBACK TO SAVEPOINT read_model", token);
                foreach (var @event in events)
                {
                    try
                    {
                        await readModel.ApplyAsync([ToStored(@event)], context, token);
                    }
                    catch (Exception single) when (IsPoisonCandidate(single))
                    {
                        throw new ApplyEventException(@event, single);
                    }
                }
                throw; // only the batch as a whole fails: nothing more precise to say
            }
        }

        private static bool IsPoisonCandidate(Exception e) =>
            e is not OperationCanceledException && e is not NpgsqlException { IsTransient: true };

        private static async Task SavepointAsync(NpgsqlTransaction transaction, string sql, CancellationToken token)
        {
            await using var command = new NpgsqlCommand(sql, transaction.Connection, transaction);
            await command.ExecuteNonQueryAsync(token);
        }
    }
}
