using Npgsql;

namespace ZeroLagHub.Api.Auth.Accounts;

internal static class FindUserById
{
    private const string Sql = $"SELECT {UserAccount.Columns} FROM zlh.users WHERE id = @id";

    public static async Task<UserAccount?> ExecuteAsync(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        return await UserAccount.ReadOneAsync(command, ct);
    }
}
