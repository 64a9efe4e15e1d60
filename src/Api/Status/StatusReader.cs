using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using ZeroLagHub.Api.Containers;
using StackExchange.Redis;
using ZeroLagHub.Projections.Multiplexer;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Api.Status;

/// <summary>
/// A container's status document: the Redis copy when there is one (<c>stale: false</c>), else the
/// <c>container_status</c> row (<c>stale: true</c>: Redis is down or the publisher has not reached it yet), else,
/// before the projection has seen the container at all, its lifecycle from the container directory (stale).
/// <c>lastSeen</c> is the poller's last sighting of the agent, or null when Redis has none or is down.
/// </summary>
public sealed partial class StatusReader(NpgsqlDataSource db, ILogger<StatusReader> log, LiveStatusCache? cache = null)
{
    private const string StoredSql = "SELECT doc::text FROM container_status WHERE id = @id";

    public async Task<JsonObject> ReadAsync(ContainerAccess container, CancellationToken ct)
    {
        var (live, lastSeen) = await ReadCacheAsync(container.Id, ct);
        var stale = live is null;
        var document = live ?? await ReadStoredAsync(container.Id, ct) ?? FromDirectory(container);
        document["stale"] = stale;
        document["lastSeen"] = lastSeen;
        return document;
    }

    private async Task<(JsonObject? Status, JsonNode? LastSeen)> ReadCacheAsync(Guid id, CancellationToken ct)
    {
        if (cache is null) return (null, null);
        try
        {
            // Both keys in one MGET: one round trip, and one command and reply where two GETs cost twice the
            // connection's work (frames, reply completions, thread-pool hops) on the endpoint's hot path.
            var (status, seen) = await cache.GetStatusAndAgentSeenAsync(id, ct);
            return (Parse(status), Parse(seen));
        }
        catch (Exception e) when (RedisMultiplexer.IsUnavailable(e))
        {
            LogCacheUnavailable(log, id, e.Message);
            return (null, null);
        }
    }

    private async Task<JsonObject?> ReadStoredAsync(Guid id, CancellationToken ct)
    {
        await using var command = db.CreateCommand(StoredSql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        return Parse(await command.ExecuteScalarAsync(ct) as string);
    }

    private static JsonObject FromDirectory(ContainerAccess container) => new()
    {
        ["containerId"] = container.Id,
        ["kind"] = JsonSerializer.SerializeToNode(container.Kind, JsonSerializerOptions.Web),
        ["state"] = JsonSerializer.SerializeToNode(container.Lifecycle, JsonSerializerOptions.Web),
    };

    private static JsonObject? Parse(string? json) => json is null ? null : JsonNode.Parse(json)?.AsObject();

    [LoggerMessage(EventId = 722, Level = LogLevel.Debug, Message = "Status of {ContainerId} read from PostgreSQL, Redis is unavailable: {Reason}")]
    private static partial void LogCacheUnavailable(ILogger log, Guid containerId, string reason);
}
