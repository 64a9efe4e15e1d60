using Npgsql;

namespace ZeroLagHub.Api.Auth.Accounts;

/// <summary>The account whose username matches case-insensitively (uses the lower(username) unique index).</summary>
internal static class FindUserByName
{
    private const string Sql = $"SELECT {UserAccount.Columns} FROM zlh.users WHERE lower(username) = lower(@username)";

    public static async Task<UserAccount?> ExecuteAsync(NpgsqlDataSource db, string username, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<string>("username", username));
        return await UserAccount.ReadOneAsync(command, ct);
    }
}
