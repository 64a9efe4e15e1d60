using System.Text.Json;
using NpgsqlTypes;
using ZeroLagHub.Domain.Deployments;
using ZeroLagHub.Projections.ReadModels;
using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Projections.Deployments;

/// <summary>
/// The deployment history read model (async, by the daemon): one row per deployment with the filter
/// columns the API queries by, and the whole history (stages, log tails) as a JSON document.
/// </summary>
public sealed class DeploymentHistoryProjection : IProjection
{
    public const string Table = "deployments";
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public string Name => "deployment_history";

    public ProjectionLifecycle Lifecycle => ProjectionLifecycle.Async;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new(Table, """
            CREATE TABLE {table} (
                id           uuid        PRIMARY KEY,
                container_id uuid        NOT NULL,
                requested_by text        NOT NULL,
                status       text        NOT NULL,
                queued_at    timestamptz NOT NULL,
                doc          jsonb       NOT NULL);
            CREATE INDEX ON {table} (queued_at DESC, id DESC);
            CREATE INDEX ON {table} (container_id, queued_at DESC);
            """),
    ];

    public async Task ApplyAsync(IReadOnlyList<StoredEvent> events, ProjectionContext context, CancellationToken ct)
    {
        var ids = events.Where(e => e.Data is IDeploymentEvent).Select(e => Guid.Parse(e.StreamId)).Distinct().ToArray();
        if (ids.Length == 0) return;
        var table = context.Table(Table);

        // Fold the batch onto the rows as they stand, then write each touched row once.
        var rows = new Dictionary<Guid, DeploymentHistoryRow?>();
        await using (var select = context.Command($"SELECT id, doc FROM {table} WHERE id = ANY(@ids)"))
        {
            select.Parameters.AddWithValue("ids", ids);
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                rows[reader.GetGuid(0)] = JsonSerializer.Deserialize<DeploymentHistoryRow>(reader.GetString(1), Json);
        }
        foreach (var e in events.Where(e => e.Data is IDeploymentEvent))
        {
            var id = Guid.Parse(e.StreamId);
            rows[id] = DeploymentHistory.Apply(rows.GetValueOrDefault(id), e.Data);
        }

        var written = rows.Values.OfType<DeploymentHistoryRow>().ToList();
        await using var upsert = context.Command($"""
            INSERT INTO {table} AS t (id, container_id, requested_by, status, queued_at, doc)
            SELECT * FROM unnest(@id, @container, @by, @status, @queued, @doc)
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, doc = excluded.doc
            """);
        upsert.Parameters.AddWithValue("id", written.Select(r => r.Id).ToArray());
        upsert.Parameters.AddWithValue("container", written.Select(r => r.ContainerId).ToArray());
        upsert.Parameters.AddWithValue("by", written.Select(r => r.RequestedBy).ToArray());
        upsert.Parameters.AddWithValue("status", written.Select(r => r.Status).ToArray());
        upsert.Parameters.AddWithValue("queued", written.Select(r => r.QueuedAt).ToArray());
        upsert.Parameters.AddWithValue("doc", NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
            written.Select(r => JsonSerializer.Serialize(r, Json)).ToArray());
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
