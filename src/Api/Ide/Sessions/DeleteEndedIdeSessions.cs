using Npgsql;

namespace ZeroLagHub.Api.Ide.Sessions;

/// <summary>Deletes sessions that can no longer be used: revoked, or idle since before <c>@idleSince</c>.</summary>
internal static class DeleteEndedIdeSessions
{
    private const string Sql = "DELETE FROM zlh.ide_sessions WHERE revoked_at IS NOT NULL OR last_used_at <= @idleSince";

    public static async Task<int> ExecuteAsync(NpgsqlDataSource db, DateTimeOffset idleSince, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("idleSince", idleSince));
        return await command.ExecuteNonQueryAsync(ct);
    }
}
