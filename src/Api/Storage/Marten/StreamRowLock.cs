using Npgsql;

namespace ZeroLagHub.Api.Storage.Marten;

/// <summary>
/// Serialises appends to one stream before they take a sequence number. Marten checks a stream's version
/// only when it writes, after <c>mt_events</c>' sequence has handed out a number; an appender that loses
/// that race rolls back and leaves a gap in the sequence, and the async daemon waits at a gap for its stale
/// threshold before stepping over it, holding back every later event. Locking the stream's row first makes
/// the loser wait for the winner's commit instead, then append after it with no gap.
/// </summary>
internal static class StreamRowLock
{
    private const string Sql = $"SELECT version FROM {MartenSchema.Name}.mt_streams WHERE id = $1 FOR UPDATE";

    /// <summary>
    /// Locks <paramref name="streamId"/>'s row until <paramref name="transaction"/> ends and returns its
    /// committed version, or null when the stream does not exist yet (nothing to lock: two first appends
    /// still collide, and the caller decides again).
    /// </summary>
    public static async Task<long?> LockAsync(NpgsqlTransaction transaction, Guid streamId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Sql, transaction.Connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = streamId });
        return await command.ExecuteScalarAsync(ct) is long version ? version : null;
    }
}
