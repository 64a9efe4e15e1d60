using Npgsql;

namespace ZeroLagHub.Api.Commands;

/// <summary>
/// <c>zlh.outbox_keys</c> (Storage/Migrations/V012): a message's key claimed in the transaction that sends it.
/// Wolverine gives each message a new id, so without it a handler run twice would send its follow-up twice.
/// </summary>
internal static class OutboxKey
{
    /// <summary>Long past any redelivery: Wolverine retries a message for about a minute, recovers a dead node's within seconds.</summary>
    private const string Retention = "7 days";

    /// <returns>True when this transaction is the first to send <paramref name="key"/> (if it commits).</returns>
    public static async Task<bool> ClaimAsync(NpgsqlTransaction tx, string key, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(tx.Connection, tx)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"DELETE FROM zlh.outbox_keys WHERE sent_at < now() - interval '{Retention}'"),
                new NpgsqlBatchCommand("INSERT INTO zlh.outbox_keys (key) VALUES ($1) ON CONFLICT (key) DO NOTHING") { Parameters = { new() { Value = key } } },
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
        return batch.BatchCommands[1].RecordsAffected == 1;
    }
}
