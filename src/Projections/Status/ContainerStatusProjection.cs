using ZeroLagHub.Domain;
using System.Text.Json;
using NpgsqlTypes;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Projections.ReadModels;
using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Projections.Status;

/// <summary>
/// Every container's live status (async, by the daemon): the columns a status list filters by and the
/// whole <see cref="ContainerStatus"/> as JSON. <c>position</c> is the change id a push or a cache
/// compares: a row whose position did not move did not change.
/// </summary>
public sealed class ContainerStatusProjection : IProjection
{
    public const string Table = "container_status";
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public string Name => "container_status";

    public ProjectionLifecycle Lifecycle => ProjectionLifecycle.Async;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new(Table, """
            CREATE TABLE {table} (
                id           uuid        PRIMARY KEY,
                owner        text        NOT NULL,
                kind         text        NOT NULL,
                state        text        NOT NULL,
                agent_online boolean     NOT NULL,
                position     bigint      NOT NULL,
                changed_at   timestamptz NOT NULL,
                doc          jsonb       NOT NULL);
            CREATE INDEX ON {table} (owner);
            CREATE INDEX ON {table} (position);
            """),
    ];

    public async Task ApplyAsync(IReadOnlyList<StoredEvent> events, ProjectionContext context, CancellationToken ct)
    {
        var mine = events.Where(e => e.Data is IContainerEvent).ToList();
        if (mine.Count == 0) return;
        var table = context.Table(Table);

        // Fold the batch onto the rows as they stand, then write each changed row once.
        var before = new Dictionary<Guid, ContainerStatus>();
        await using (var select = context.Command($"SELECT id, doc FROM {table} WHERE id = ANY(@ids)"))
        {
            select.Parameters.AddWithValue("ids", mine.Select(e => Guid.Parse(e.StreamId)).Distinct().ToArray());
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                before[reader.GetGuid(0)] = JsonSerializer.Deserialize<ContainerStatus>(reader.GetString(1), Json)!;
        }
        var after = new Dictionary<Guid, ContainerStatus?>(before.Select(p => KeyValuePair.Create(p.Key, (ContainerStatus?)p.Value)));
        foreach (var e in mine)
        {
            var id = Guid.Parse(e.StreamId);
            after[id] = ContainerStatus.Evolve(after.GetValueOrDefault(id), e.Data, e.Position);
        }

        var rows = after.Values.OfType<ContainerStatus>().Where(s => before.GetValueOrDefault(s.ContainerId) != s).ToList();
        if (rows.Count == 0) return;
        await using var upsert = context.Command($"""
            INSERT INTO {table} AS t (id, owner, kind, state, agent_online, position, changed_at, doc)
            SELECT * FROM unnest(@id, @owner, @kind, @state, @online, @position, @changed, @doc)
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, agent_online = excluded.agent_online,
                position = excluded.position, changed_at = excluded.changed_at, doc = excluded.doc
            """);
        upsert.Parameters.AddWithValue("id", rows.Select(s => s.ContainerId).ToArray());
        upsert.Parameters.AddWithValue("owner", rows.Select(s => s.Owner).ToArray());
        upsert.Parameters.AddWithValue("kind", rows.Select(s => EnumNames.Of(s.Kind)).ToArray());
        upsert.Parameters.AddWithValue("state", rows.Select(s => EnumNames.Of(s.State)).ToArray());
        upsert.Parameters.AddWithValue("online", rows.Select(s => s.AgentOnline).ToArray());
        upsert.Parameters.AddWithValue("position", rows.Select(s => s.Position).ToArray());
        upsert.Parameters.AddWithValue("changed", rows.Select(s => s.ChangedAt).ToArray());
        upsert.Parameters.AddWithValue("doc", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, rows.Select(s => JsonSerializer.Serialize(s, Json)).ToArray());
        await upsert.ExecuteNonQueryAsync(ct);
    }

    public async Task DeleteStreamAsync(string streamId, ProjectionContext context, CancellationToken ct)
    {
        if (!Guid.TryParse(streamId, out var id)) return;
        await using var delete = context.Command($"DELETE FROM {context.Table(Table)} WHERE id = @id");
        delete.Parameters.AddWithValue("id", id);
        await delete.ExecuteNonQueryAsync(ct);
    }

}
