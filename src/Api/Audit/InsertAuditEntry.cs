using Npgsql;

namespace ZeroLagHub.Api.Audit;

/// <summary>Writes one row of <c>zlh.command_audit</c>: in the command's transaction when it was accepted, alone when not.</summary>
public static class InsertAuditEntry
{
    private const string Sql = """
        INSERT INTO zlh.command_audit (command_id, at, user_id, client_ip, command, container_id, outcome, reason, target)
        VALUES (@command_id, @at, @user_id, @client_ip, @command, @container_id, @outcome, @reason, @target)
        """;

    public static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, AuditEntry entry, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Sql, connection, tx);
        command.Parameters.AddWithValue("command_id", entry.CommandId);
        command.Parameters.AddWithValue("at", entry.At);
        command.Parameters.AddWithValue("user_id", entry.UserId);
        command.Parameters.AddWithValue("client_ip", (object?)entry.ClientIp ?? DBNull.Value);
        command.Parameters.AddWithValue("command", entry.Command);
        command.Parameters.AddWithValue("container_id", (object?)entry.ContainerId ?? DBNull.Value);
        command.Parameters.AddWithValue("outcome", entry.Outcome);
        command.Parameters.AddWithValue("reason", (object?)entry.Reason ?? DBNull.Value);
        command.Parameters.AddWithValue("target", (object?)entry.Target ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(ct);
    }
}
