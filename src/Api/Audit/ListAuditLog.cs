using Npgsql;
using NpgsqlTypes;

namespace ZeroLagHub.Api.Audit;

/// <summary>A page of <c>zlh.command_audit</c>, newest first, keyset-paged on its id.</summary>
public static class ListAuditLog
{
    private const string Sql = """
        SELECT a.id, a.at, a.user_id, u.username, a.client_ip, a.command, a.container_id, a.outcome, a.reason, a.command_id, a.target
          FROM zlh.command_audit a LEFT JOIN zlh.users u ON u.id = a.user_id
         WHERE (@user::uuid IS NULL OR a.user_id = @user)
           AND (@container::uuid IS NULL OR a.container_id = @container)
           AND (@since::timestamptz IS NULL OR a.at >= @since)
           AND (@until::timestamptz IS NULL OR a.at < @until)
           AND (@before::bigint IS NULL OR a.id < @before)
         ORDER BY a.id DESC
         LIMIT @limit
        """;

    public static async Task<AuditLogPage> ExecuteAsync(NpgsqlDataSource dataSource, AuditLogFilter filter, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(Nullable("user", NpgsqlDbType.Uuid, filter.User));
        command.Parameters.Add(Nullable("container", NpgsqlDbType.Uuid, filter.Container));
        command.Parameters.Add(Nullable("since", NpgsqlDbType.TimestampTz, filter.Since?.ToUniversalTime()));
        command.Parameters.Add(Nullable("until", NpgsqlDbType.TimestampTz, filter.Until?.ToUniversalTime()));
        command.Parameters.Add(Nullable("before", NpgsqlDbType.Bigint, filter.Before));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", filter.Limit));

        var items = new List<AuditLogEntry>(filter.Limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            items.Add(new AuditLogEntry(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetGuid(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetGuid(6), reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.GetGuid(9), reader.IsDBNull(10) ? null : reader.GetString(10)));
        }
        return new AuditLogPage(items, items.Count == filter.Limit ? items[^1].Id : null);
    }

    private static NpgsqlParameter Nullable(string name, NpgsqlDbType type, object? value) =>
        new(name, type) { Value = value ?? DBNull.Value };
}
