using Npgsql;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Agents.Polling;

/// <summary>The ingestion cursors of a cycle's containers, in one query; a container without a row starts at <see cref="JournalCursor.Start"/>.</summary>
internal static class ReadJournalCursors
{
    public static async Task<Dictionary<Guid, JournalCursor>> ExecuteAsync(NpgsqlDataSource dataSource, Guid[] containerIds, CancellationToken ct)
    {
        var cursors = new Dictionary<Guid, JournalCursor>();
        if (containerIds.Length == 0) return cursors;
        await using var command = dataSource.CreateCommand("SELECT container_id, journal_id, seq FROM zlh.journal_cursors WHERE container_id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", containerIds);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            cursors[reader.GetGuid(0)] = new JournalCursor(reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.GetInt64(2));
        return cursors;
    }
}
