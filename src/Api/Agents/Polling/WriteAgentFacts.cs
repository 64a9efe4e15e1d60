using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Api.Agents.Polling;

/// <summary>
/// Writes what one poll learned, in one transaction: the container's events and its journal cursor.
/// The cursor row is locked first and must still be where the poll started from; the events are then
/// decided on the directory row as it stands under that lock. So two nodes that poll the same agent
/// (a shard handover) write it once, and a crash before the commit leaves the entries to be read again.
/// </summary>
internal static class WriteAgentFacts
{
    /// <param name="decide">The events, given the container as it stands now; may be empty (only the cursor moves).</param>
    /// <returns>The events written; null when the cursor had moved (another node wrote this poll's facts).</returns>
    public static async Task<IReadOnlyList<object>?> ExecuteAsync(NpgsqlDataSource dataSource, IEventStore store, Guid containerId,
        JournalCursor from, JournalCursor to, Func<ContainerState, IReadOnlyList<object>> decide, EventMetadata metadata,
        DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        await using (var lockCursor = new NpgsqlCommand("""
            INSERT INTO zlh.journal_cursors (container_id, journal_id, seq, updated_at) VALUES (@id, NULL, 0, @now)
                ON CONFLICT (container_id) DO NOTHING;
            SELECT journal_id, seq FROM zlh.journal_cursors WHERE container_id = @id FOR UPDATE;
            """, connection, tx))
        {
            lockCursor.Parameters.AddWithValue("id", containerId);
            lockCursor.Parameters.AddWithValue("now", now);
            await using var reader = await lockCursor.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var current = new JournalCursor(reader.IsDBNull(0) ? null : reader.GetGuid(0), reader.GetInt64(1));
            if (current != from) return null;
        }

        ContainerState known;
        await using (var select = new NpgsqlCommand("SELECT state FROM containers WHERE id = @id", connection, tx))
        {
            select.Parameters.AddWithValue("id", containerId);
            known = await select.ExecuteScalarAsync(ct) is string json
                ? JsonSerializer.Deserialize<ContainerState>(json, JsonSerializerOptions.Web)!
                : ContainerState.Initial;
        }

        var events = decide(known);
        if (events.Count > 0)
            await store.AppendAsync(tx, Container.StreamId(containerId), ExpectedVersion.Any, [.. events], metadata, ct);
        if (to != from)
        {
            await using var move = new NpgsqlCommand(
                "UPDATE zlh.journal_cursors SET journal_id = @journal, seq = @seq, updated_at = @now WHERE container_id = @id", connection, tx);
            move.Parameters.AddWithValue("id", containerId);
            move.Parameters.Add(new NpgsqlParameter("journal", NpgsqlDbType.Uuid) { Value = (object?)to.JournalId ?? DBNull.Value });
            move.Parameters.AddWithValue("seq", to.Seq);
            move.Parameters.AddWithValue("now", now);
            await move.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        if (events.Count > 0) store.AfterCommit();
        return events;
    }
}
