using Npgsql;

namespace ZeroLagHub.Api.Auth.Accounts;

/// <summary>A row of <c>zlh.users</c>. <see cref="PasswordHash"/> is in <c>PasswordHasher&lt;T&gt;</c> format.</summary>
public sealed record UserAccount(Guid Id, string Username, string PasswordHash, IReadOnlyList<string> Roles,
    DateTimeOffset CreatedAt, bool Disabled)
{
    internal const string Columns = "id, username, password_hash, roles, created_at, disabled";

    internal static UserAccount Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3),
        reader.GetFieldValue<DateTimeOffset>(4), reader.GetBoolean(5));

    internal static async Task<UserAccount?> ReadOneAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }
}
