using Npgsql;

namespace ZeroLagHub.Api.Audit;

/// <summary>
/// The audit row of a command id that was accepted before: a request repeated with its
/// <c>Idempotency-Key</c> is answered from it. One index look-up (<c>command_audit_accepted_once</c>,
/// Storage/Migrations/V006), which also keeps a second acceptance of the id from being written.
/// </summary>
public static class FindAcceptedCommand
{
    public const string AcceptedOnceIndex = "command_audit_accepted_once";

    private const string Sql = """
        SELECT at, user_id, client_ip, command, container_id, reason
          FROM zlh.command_audit WHERE command_id = @command_id AND outcome = 'accepted'
        """;

    public static async Task<AuditEntry?> ExecuteAsync(NpgsqlDataSource dataSource, Guid commandId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.AddWithValue("command_id", commandId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new AuditEntry(commandId, reader.GetFieldValue<DateTimeOffset>(0), reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetGuid(4), "accepted", reader.IsDBNull(5) ? null : reader.GetString(5));
    }

    /// <summary>The write failed because a copy of the same command was accepted first; nothing of this one was written.</summary>
    public static bool WasAcceptedFirstByACopy(Exception e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: AcceptedOnceIndex };
}
