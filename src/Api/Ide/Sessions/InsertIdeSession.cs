using Npgsql;

namespace ZeroLagHub.Api.Ide.Sessions;

internal static class InsertIdeSession
{
    private const string Sql = """
        INSERT INTO zlh.ide_sessions (id_hash, user_id, admin, container_id, created_at, last_used_at)
        VALUES (@hash, @user, @admin, @container, @now, @now)
        """;

    public static async Task ExecuteAsync(NpgsqlDataSource db, IdeSession session, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<byte[]>("hash", session.IdHash));
        command.Parameters.Add(new NpgsqlParameter<Guid>("user", session.UserId));
        command.Parameters.Add(new NpgsqlParameter<bool>("admin", session.Admin));
        command.Parameters.Add(new NpgsqlParameter<Guid>("container", session.ContainerId));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", session.LastUsedAt));
        await command.ExecuteNonQueryAsync(ct);
    }
}
