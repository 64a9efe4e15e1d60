using Npgsql;

namespace ZeroLagHub.Api.Auth.Accounts;

/// <summary>Whether any enabled account holds the admin role (first-run bootstrap).</summary>
internal static class AdminExists
{
    private const string Sql = "SELECT EXISTS (SELECT 1 FROM zlh.users WHERE 'admin' = ANY (roles) AND NOT disabled)";

    public static async Task<bool> ExecuteAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}
