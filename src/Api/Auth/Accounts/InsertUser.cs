using Npgsql;

namespace ZeroLagHub.Api.Auth.Accounts;

/// <summary>Creates an account; false when the username (case-insensitively) is taken, and nothing is written.</summary>
internal static class InsertUser
{
    private const string Sql = $"""
        INSERT INTO zlh.users ({UserAccount.Columns})
        VALUES (@id, @username, @hash, @roles, @created, false)
        ON CONFLICT DO NOTHING
        """;

    public static async Task<bool> ExecuteAsync(NpgsqlDataSource db, UserAccount user, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", user.Id));
        command.Parameters.Add(new NpgsqlParameter<string>("username", user.Username));
        command.Parameters.Add(new NpgsqlParameter<string>("hash", user.PasswordHash));
        command.Parameters.Add(new NpgsqlParameter<string[]>("roles", [.. user.Roles]));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("created", user.CreatedAt));
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }
}
