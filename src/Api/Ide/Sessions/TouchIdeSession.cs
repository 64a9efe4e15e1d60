using Npgsql;

namespace ZeroLagHub.Api.Ide.Sessions;

/// <summary>Moves a live session's last use forward (never back: two nodes may touch it at once).</summary>
internal static class TouchIdeSession
{
    private const string Sql = """
        UPDATE zlh.ide_sessions SET last_used_at = @now
         WHERE id_hash = @hash AND revoked_at IS NULL AND last_used_at < @now
        """;

    public static async Task ExecuteAsync(NpgsqlDataSource db, byte[] hash, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<byte[]>("hash", hash));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        await command.ExecuteNonQueryAsync(ct);
    }
}
