using Npgsql;

namespace ZeroLagHub.Api.Audit;

/// <summary>Writes one row of <c>zlh.command_audit</c>: in the command's transaction when it was accepted, alone when not.</summary>
/// <remarks>
/// The row is written whatever the refused request held: a NUL (which PostgreSQL's text refuses, 22P05)
/// is kept as the text <c>\u0000</c>, and a reason is cut at <see cref="MaxReason"/> characters, since it
/// may quote what was sent.
/// </remarks>
public static class InsertAuditEntry
{
    public const int MaxReason = 2000;

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
        command.Parameters.AddWithValue("client_ip", (object?)Storable(entry.ClientIp, 64) ?? DBNull.Value);
        command.Parameters.AddWithValue("command", Storable(entry.Command, 200)!);
        command.Parameters.AddWithValue("container_id", (object?)entry.ContainerId ?? DBNull.Value);
        command.Parameters.AddWithValue("outcome", entry.Outcome);
        command.Parameters.AddWithValue("reason", (object?)Storable(entry.Reason, MaxReason) ?? DBNull.Value);
        command.Parameters.AddWithValue("target", (object?)Storable(entry.Target, 200) ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static string? Storable(string? text, int max)
    {
        if (text is null) return null;
        var safe = text.Replace("\0", "\\u0000", StringComparison.Ordinal);
        return safe.Length <= max ? safe : safe[..max] + "…";
    }
}
