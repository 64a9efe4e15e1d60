using Npgsql;

namespace ZeroLagHub.Api.Storage.LegacyEvents;

/// <summary>
/// The previous version's event store: streams and events in <c>es.streams</c> / <c>es.events</c>, each
/// event hashed into a per-stream chain (<c>es.events.hash</c>). This version reads events from Marten's
/// tables only, so events still there are events the API would not see.
/// </summary>
internal static class LegacyEventTables
{
    public const string Events = "es.events";
    public const string Streams = "es.streams";

    /// <summary>What the tables are renamed to once copied: kept, never dropped, but no longer in the way.</summary>
    public const string CopiedSuffix = "_copied_to_marten";

    /// <summary>Events waiting in the old tables; 0 when there are no old tables (a new database, or copied already).</summary>
    public static async Task<long> CountAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, CancellationToken ct)
    {
        // Two statements: a query naming es.events does not even parse where the table does not exist.
        await using (var exists = new NpgsqlCommand($"SELECT to_regclass('{Events}') IS NOT NULL", connection, tx))
            if (!(bool)(await exists.ExecuteScalarAsync(ct))!) return 0;
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM {Events}", connection, tx);
        return (long)(await count.ExecuteScalarAsync(ct))!;
    }
}
