using System.Text.Json;
using NpgsqlTypes;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Projections.ReadModels;
using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Projections.Containers;

/// <summary>
/// Every container with its owner, folded state and the columns lists filter by. Inline: written in
/// the appending transaction, so a container shows in its owner's list as soon as the create returns.
/// </summary>
public sealed class ContainerDirectoryProjection : IProjection
{
    public const string Table = "containers";
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public string Name => "container_directory";

    public ProjectionLifecycle Lifecycle => ProjectionLifecycle.Inline;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new(Table, """
            CREATE TABLE {table} (
                id         uuid        PRIMARY KEY,
                owner      text        NOT NULL,
                kind       text        NOT NULL,
                name       text        NOT NULL,
                lifecycle  text        NOT NULL,
                created_at timestamptz NOT NULL,
                state      jsonb       NOT NULL);
            CREATE INDEX ON {table} (owner, created_at);
            """),
    ];

    public async Task ApplyAsync(IReadOnlyList<StoredEvent> events, ProjectionContext context, CancellationToken ct)
    {
        var mine = events.Where(e => e.Data is IContainerEvent).ToList();
        if (mine.Count == 0) return;
        var table = context.Table(Table);
        var ids = mine.Select(e => Guid.Parse(e.StreamId)).Distinct().ToArray();

        var states = new Dictionary<Guid, ContainerState>();
        await using (var select = context.Command($"SELECT id, state FROM {table} WHERE id = ANY(@ids)"))
        {
            select.Parameters.AddWithValue("ids", ids);
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                states[reader.GetGuid(0)] = JsonSerializer.Deserialize<ContainerState>(reader.GetString(1), Json)!;
        }
        foreach (var e in mine)
        {
            var id = Guid.Parse(e.StreamId);
            states[id] = Container.Evolve(states.GetValueOrDefault(id) ?? ContainerState.Initial, e.Data);
        }

        var rows = states.Values.Where(s => s.Exists).ToList();
        await using var upsert = context.Command($"""
            INSERT INTO {table} AS t (id, owner, kind, name, lifecycle, created_at, state)
            SELECT * FROM unnest(@id, @owner, @kind, @name, @lifecycle, @created, @state)
            ON CONFLICT (id) DO UPDATE SET lifecycle = excluded.lifecycle, state = excluded.state
            """);
        upsert.Parameters.AddWithValue("id", rows.Select(s => s.Id).ToArray());
        upsert.Parameters.AddWithValue("owner", rows.Select(s => s.Owner).ToArray());
        upsert.Parameters.AddWithValue("kind", rows.Select(s => s.Kind.ToString().ToLowerInvariant()).ToArray());
        upsert.Parameters.AddWithValue("name", rows.Select(s => s.Spec?.Name ?? "").ToArray());
        upsert.Parameters.AddWithValue("lifecycle", rows.Select(s => s.Lifecycle.ToString().ToLowerInvariant()).ToArray());
        upsert.Parameters.AddWithValue("created", rows.Select(s => s.CreatedAt ?? DateTimeOffset.UnixEpoch).ToArray());
        upsert.Parameters.AddWithValue("state", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, rows.Select(s => JsonSerializer.Serialize(s, Json)).ToArray());
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
