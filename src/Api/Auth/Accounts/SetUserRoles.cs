using Npgsql;

namespace ZeroLagHub.Api.Auth.Accounts;

/// <summary>Replaces an account's roles; null when there is no such account.</summary>
internal static class SetUserRoles
{
    private const string Sql = $"UPDATE zlh.users SET roles = @roles WHERE id = @id RETURNING {UserAccount.Columns}";

    public static async Task<UserAccount?> ExecuteAsync(NpgsqlDataSource db, Guid id, IReadOnlyCollection<string> roles, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        command.Parameters.Add(new NpgsqlParameter<string[]>("roles", [.. roles]));
        return await UserAccount.ReadOneAsync(command, ct);
    }
}
