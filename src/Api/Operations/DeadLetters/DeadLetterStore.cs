using System.Text;
using Npgsql;
using Wolverine.Runtime.Serialization;
using ZeroLagHub.Api.Messaging;

namespace ZeroLagHub.Api.Operations.DeadLetters;

/// <summary>
/// What operators do with Wolverine's dead letters (<c>wolverine_dead_letters</c>): list them, replay them
/// (delivered again under the same id, attempts from zero) or discard them.
/// </summary>
/// <remarks>
/// SQL on Wolverine's table rather than its page-numbered query API: the admin list is keyset-paged (a
/// page never repeats or skips a row when others are replayed meanwhile), and replay and discard must say
/// whether there was such a dead letter. A replay is what Wolverine's own <c>ReplayAsync</c> does: the row is
/// marked replayable, and Wolverine's durability agent moves it back into the inbox within its polling time.
/// </remarks>
public sealed class DeadLetterStore(NpgsqlDataSource dataSource)
{
    private const string Table = $"{WolverineRegistration.Schema}.wolverine_dead_letters";

    private const string ListSql = $"""
        SELECT id, message_type, body, sent_at, exception_type, exception_message
          FROM {Table}
         WHERE NOT replayable
           AND (@type::text IS NULL OR message_type = @type)
           AND (@after_at::timestamptz IS NULL OR (sent_at, id) > (@after_at, @after_id))
         ORDER BY sent_at, id
         LIMIT @limit
        """;

    /// <param name="type">Only this message type; null for all.</param>
    /// <param name="after">The last item of the previous page; null for the first page.</param>
    /// <param name="maxCount">Page size, 1..1000.</param>
    public async Task<IReadOnlyList<DeadLetter>> ListAsync(string? type, DeadLetter? after, int maxCount, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxCount, 1000);
        await using var command = dataSource.CreateCommand(ListSql);
        command.Parameters.Add(new NpgsqlParameter("type", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)type ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("after_at", NpgsqlTypes.NpgsqlDbType.TimestampTz)
            { Value = after is null ? DBNull.Value : after.FailedAt.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<Guid>("after_id", after?.Id ?? Guid.Empty));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", maxCount));
        var page = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var sentAt = reader.IsDBNull(3) ? DateTimeOffset.UnixEpoch : reader.GetFieldValue<DateTimeOffset>(3);
            var (data, attempts) = Read(reader.GetFieldValue<byte[]>(2));
            var error = $"{(reader.IsDBNull(4) ? "" : reader.GetString(4))}: {(reader.IsDBNull(5) ? "" : reader.GetString(5))}";
            page.Add(new DeadLetter(reader.GetGuid(0), reader.GetString(1), 1, data, sentAt, attempts, error, sentAt, null));
        }
        return page;
    }

    /// <summary>Hands the dead letter back to Wolverine to deliver again.</summary>
    /// <returns>False when there is no dead letter with this id (already replayed or discarded).</returns>
    public async Task<bool> ReplayAsync(Guid id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"UPDATE {Table} SET replayable = true WHERE id = $1 AND NOT replayable");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>Deletes the dead letter for good.</summary>
    /// <returns>False when there is no dead letter with this id (or it is being replayed).</returns>
    public async Task<bool> DiscardAsync(Guid id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"DELETE FROM {Table} WHERE id = $1 AND NOT replayable");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>The payload and attempts from the stored envelope; an unreadable one is shown as such, never thrown.</summary>
    private static (string Data, int Attempts) Read(byte[] body)
    {
        try
        {
            var envelope = EnvelopeSerializer.Deserialize(body);
            return (envelope.Data is { } data ? Encoding.UTF8.GetString(data) : "", envelope.Attempts);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ($"(the stored envelope cannot be read: {e.GetType().Name})", 0);
        }
    }
}
