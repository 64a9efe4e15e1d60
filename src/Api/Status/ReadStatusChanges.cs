using Npgsql;
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
    // Marten's daemon applies events in sequence order (never past a gap a live transaction may still
    // fill), so a row's position, the sequence of the event that last changed it, orders its changes.
    private const string Sql = """
        SELECT s.position, s.id, s.state, s.doc::text
          FROM container_status s
         WHERE s.position > @position
         ORDER BY s.position
         LIMIT @limit
        """;

    private const string OwnerSql = """
        SELECT s.position, s.id, s.state, s.doc::text
          FROM container_status s
         WHERE s.owner = @owner AND s.position > @position
         ORDER BY s.position
         LIMIT @limit
        """;

    /// <param name="owner">Only this user's containers; null for every container.</param>
    public static async Task<List<StatusRowChange>> ExecuteAsync(NpgsqlDataSource db, StatusCursor after, int limit,
        CancellationToken ct, Guid? owner = null)
    {
        await using var command = db.CreateCommand(owner is null ? Sql : OwnerSql);
        command.Parameters.Add(new NpgsqlParameter<long>("position", after.Position));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        if (owner is { } id) command.Parameters.Add(new NpgsqlParameter<string>("owner", id.ToString()));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<StatusRowChange>();
        while (await reader.ReadAsync(ct))
            rows.Add(new StatusRowChange(new StatusCursor(0, reader.GetInt64(0)), reader.GetGuid(1), reader.GetString(2), reader.GetString(3)));
        return rows;
    }
}
