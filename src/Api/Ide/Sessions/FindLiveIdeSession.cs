using Npgsql;

namespace ZeroLagHub.Api.Ide.Sessions;

/// <summary>The session with this id hash, unless revoked or idle since before <c>@idleSince</c>.</summary>
internal static class FindLiveIdeSession
{
    private const string Sql = """
        SELECT user_id, admin, container_id, last_used_at FROM zlh.ide_sessions
         WHERE id_hash = @hash AND revoked_at IS NULL AND last_used_at > @idleSince
        """;

    public static async Task<IdeSession?> ExecuteAsync(NpgsqlDataSource db, byte[] hash, DateTimeOffset idleSince, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<byte[]>("hash", hash));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("idleSince", idleSince));
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new IdeSession(hash, reader.GetGuid(0), reader.GetBoolean(1), reader.GetGuid(2), reader.GetFieldValue<DateTimeOffset>(3));
    }
}
