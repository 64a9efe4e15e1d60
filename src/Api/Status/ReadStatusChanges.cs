using Npgsql;
using NpgsqlTypes;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Api.Status;

/// <summary>One status row, with the log order of the event that last changed it.</summary>
/// <param name="State">The row's state column (e.g. <c>deleted</c>), so callers need not parse the JSON for it.</param>
public sealed record StatusRowChange(StatusCursor Cursor, Guid ContainerId, string State, string Json);

/// <summary>
/// The <c>container_status</c> rows changed after a <see cref="StatusCursor"/>, in the order the projection
/// wrote them: everyone's (the publisher), or one owner's (a status stream catching up).
/// </summary>
public static class ReadStatusChanges
{
    private const string Sql = """
        SELECT e.tx_id, e.position, s.id, s.state, s.doc::text
          FROM es.events e
          JOIN container_status s ON s.position = e.position
         WHERE (e.tx_id, e.position) > (@tx, @position)
         ORDER BY e.tx_id, e.position
         LIMIT @limit
        """;

    // Starts from the owner's rows (indexed), not from the log: an owner has a few rows among many events.
    private const string OwnerSql = """
        SELECT e.tx_id, e.position, s.id, s.state, s.doc::text
          FROM container_status s
          JOIN es.events e ON e.position = s.position
         WHERE s.owner = @owner AND (e.tx_id, e.position) > (@tx, @position)
         ORDER BY e.tx_id, e.position
         LIMIT @limit
        """;

    /// <param name="owner">Only this user's containers; null for every container.</param>
    public static async Task<List<StatusRowChange>> ExecuteAsync(NpgsqlDataSource db, StatusCursor after, int limit,
        CancellationToken ct, Guid? owner = null)
    {
        await using var command = db.CreateCommand(owner is null ? Sql : OwnerSql);
        command.Parameters.Add(new NpgsqlParameter<ulong>("tx", NpgsqlDbType.Xid8) { TypedValue = after.Transaction });
        command.Parameters.Add(new NpgsqlParameter<long>("position", after.Position));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        if (owner is { } id) command.Parameters.Add(new NpgsqlParameter<string>("owner", id.ToString()));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<StatusRowChange>();
        while (await reader.ReadAsync(ct))
            rows.Add(new StatusRowChange(new StatusCursor(reader.GetFieldValue<ulong>(0), reader.GetInt64(1)), reader.GetGuid(2), reader.GetString(3), reader.GetString(4)));
        return rows;
    }
}
