using Npgsql;

namespace ZeroLagHub.Api.Auth.Sessions;

/// <summary>Every ended session whose access tokens could still be valid at <c>@now</c>, for refilling Redis.</summary>
internal static class ListRevokedSessions
{
    private const string Sql = "SELECT session_id, expires_at FROM zlh.revoked_sessions WHERE expires_at > @now";

    public static async Task<List<(Guid Session, DateTimeOffset ExpiresAt)>> ExecuteAsync(NpgsqlDataSource db, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var sessions = new List<(Guid, DateTimeOffset)>();
        while (await reader.ReadAsync(ct)) sessions.Add((reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1)));
        return sessions;
    }
}
