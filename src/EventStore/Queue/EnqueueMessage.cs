using Npgsql;
using NpgsqlTypes;
using ZeroLagHub.EventStore.Serialization;

namespace ZeroLagHub.EventStore.Queue;

/// <summary>
/// One enqueue: a single INSERT, or with an idempotency key a single statement that claims the key and
/// inserts the message only when the key was new.
/// </summary>
internal static class EnqueueMessage
{
    public const int MaxKeyLength = 200;

    private const string Insert = """
        INSERT INTO es.queue_messages (id, type, schema_version, data, deliver_at)
        VALUES (@id, @type, @schema_version, @data, coalesce(@deliver_at, now()))
        """;

    // The message is inserted FROM the key's RETURNING, i.e. only when this statement created the key.
    // Otherwise the last branch reads the first message's id. When a racing enqueue of the same key
    // committed while ON CONFLICT waited for it, this statement's snapshot predates that row and the
    // result is empty: the caller then looks again with a fresh snapshot (KeyOwner).
    private const string InsertWithKey = """
        WITH new_key AS (
            INSERT INTO es.queue_keys (key, message_id) VALUES (@key, @id)
            ON CONFLICT (key) DO NOTHING
            RETURNING message_id),
        new_message AS (
            INSERT INTO es.queue_messages (id, type, schema_version, data, deliver_at, idempotency_key)
            SELECT @id, @type, @schema_version, @data, coalesce(@deliver_at, now()), @key FROM new_key)
        SELECT message_id FROM new_key
        UNION ALL
        SELECT message_id FROM es.queue_keys WHERE key = @key AND NOT EXISTS (SELECT FROM new_key)
        """;

    private const string KeyOwner = "SELECT message_id FROM es.queue_keys WHERE key = @key";

    public static async Task<Guid> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, EventTypeRegistry types,
        object message, DateTimeOffset? deliverAt, string? idempotencyKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (idempotencyKey is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
            if (idempotencyKey.Length > MaxKeyLength)
                throw new ArgumentException($"idempotency keys are at most {MaxKeyLength} characters", nameof(idempotencyKey));
        }

        var type = types.Of(message.GetType());
        // Version 7: time-ordered, so the primary key index grows at its right edge like a sequence.
        var id = Guid.CreateVersion7();

        await using var command = new NpgsqlCommand(idempotencyKey is null ? Insert : InsertWithKey, connection, tx);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        command.Parameters.Add(new NpgsqlParameter<string>("type", type.Name));
        command.Parameters.Add(new NpgsqlParameter<int>("schema_version", type.SchemaVersion));
        command.Parameters.Add(new NpgsqlParameter<string>("data", NpgsqlDbType.Jsonb) { TypedValue = types.Serialize(message, type) });
        // Npgsql writes only UTC offsets to timestamptz; the instant is what matters.
        command.Parameters.Add(new NpgsqlParameter("deliver_at", NpgsqlDbType.TimestampTz)
        {
            Value = deliverAt is { } at ? at.ToUniversalTime() : DBNull.Value,
        });
        if (idempotencyKey is not null) command.Parameters.Add(new NpgsqlParameter<string>("key", idempotencyKey));
        // Prepared for the reason given in ClaimMessages: the enqueue is the queue's hottest statement.
        await command.PrepareAsync(ct);
        if (idempotencyKey is null)
        {
            await command.ExecuteNonQueryAsync(ct);
            return id;
        }

        if (await command.ExecuteScalarAsync(ct) is Guid owner) return owner;

        await using var again = new NpgsqlCommand(KeyOwner, connection, tx);
        again.Parameters.Add(new NpgsqlParameter<string>("key", idempotencyKey));
        return await again.ExecuteScalarAsync(ct) as Guid?
            ?? throw new InvalidOperationException(
                $"idempotency key '{idempotencyKey}' is held by a transaction this one cannot see; retry the transaction");
    }
}
