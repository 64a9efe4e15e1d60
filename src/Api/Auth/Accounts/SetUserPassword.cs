using Npgsql;

namespace ZeroLagHub.Api.Auth.Accounts;

/// <summary>Replaces an account's password hash; false when there is no such account.</summary>
internal static class SetUserPassword
{
    private const string Sql = "UPDATE zlh.users SET password_hash = @hash WHERE id = @id";

    public static async Task<bool> ExecuteAsync(NpgsqlDataSource db, Guid id, string passwordHash, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        command.Parameters.Add(new NpgsqlParameter<string>("hash", passwordHash));
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }
}
