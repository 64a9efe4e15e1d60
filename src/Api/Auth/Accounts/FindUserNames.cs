using Npgsql;

namespace ZeroLagHub.Api.Auth.Accounts;

/// <summary>The account names of these ids (the ones that exist), for read views that show people, not ids.</summary>
internal static class FindUserNames
{
    private const string Sql = "SELECT id, username FROM zlh.users WHERE id = ANY(@ids)";

    public static async Task<Dictionary<Guid, string>> ExecuteAsync(NpgsqlDataSource db, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var names = new Dictionary<Guid, string>();
        if (ids.Count == 0) return names;
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. ids]));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) names[reader.GetGuid(0)] = reader.GetString(1);
        return names;
    }
}
