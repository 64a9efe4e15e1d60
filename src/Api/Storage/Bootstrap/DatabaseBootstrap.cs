using Npgsql;

namespace ZeroLagHub.Api.Storage.Bootstrap;

/// <summary>
/// Makes the API's connection string (ZLH_POSTGRES) work without superuser rights, using a superuser's
/// connection once: creates (or resets) the role it names with its password, and in its database every
/// schema the API uses, owned by that role (<see cref="EnsureApiRole"/>, <see cref="HandOverSchemas"/>).
/// The API then migrates as that role. Run again at will: each step is idempotent.
/// </summary>
public static class DatabaseBootstrap
{
    /// <param name="adminConnection">A superuser; its own database (e.g. <c>postgres</c>) hosts the role step.</param>
    /// <param name="apiConnection">The API's connection: its Username, Password and Database are what to set up.</param>
    public static async Task RunAsync(string adminConnection, string apiConnection, CancellationToken ct = default)
    {
        var api = new NpgsqlConnectionStringBuilder(apiConnection);
        if (string.IsNullOrEmpty(api.Username) || !IsRoleName(api.Username))
            throw new ArgumentException($"the API's connection string names role '{api.Username}': use lower-case letters, digits and '_'");
        if (string.IsNullOrEmpty(api.Password)) throw new ArgumentException("the API's connection string has no Password");
        if (string.IsNullOrEmpty(api.Database)) throw new ArgumentException("the API's connection string has no Database");

        // Unpooled: nothing of the superuser's lingers in a pool after the bootstrap.
        var admin = new NpgsqlConnectionStringBuilder(adminConnection) { Pooling = false };
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync(ct);
            await EnsureApiRole.ExecuteAsync(connection, api.Username, api.Password, ct);
        }
        admin.Database = api.Database;
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync(ct);
            await HandOverSchemas.ExecuteAsync(connection, api.Username, ct);
        }
    }

    private static bool IsRoleName(string name) =>
        name.Length is > 0 and < 64 && (char.IsAsciiLetterLower(name[0]) || name[0] == '_') &&
        name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
}
