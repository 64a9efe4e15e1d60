using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using ZeroLagHub.Api.Auth;
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
/// <remarks>
/// Access: a container's owner is set when it is created and never changes, so a live document naming the caller
/// as owner answers without asking PostgreSQL (the endpoint's hot path: one Redis round trip). Any other case (no
/// live document, another owner, an admin) is decided by the container directory, so nothing about another
/// user's container leaks, not even whether it exists or is stale.
/// </remarks>
public sealed partial class StatusReader(NpgsqlDataSource db, ILogger<StatusReader> log, LiveStatusCache? cache = null)
{
    private const string StoredSql = "SELECT doc::text FROM container_status WHERE id = @id";

    /// <summary>The status of container <paramref name="id"/>, or null when there is no such container or <paramref name="user"/> may not see it.</summary>
    public async Task<JsonObject?> ReadAsync(Guid id, CurrentUser user, CancellationToken ct)
    {
        var (live, lastSeen) = await ReadCacheAsync(id, ct);
        var document = live;
        if (live is null || !IsOwnedBy(live, user))
        {
            var container = await ContainerAccess.FindAsync(db, id, ct);
            if (container is null || !user.CanAccess(container.Owner)) return null;
            document = live ?? await ReadStoredAsync(id, ct) ?? FromDirectory(container);
        }
        document!["stale"] = live is null;
        document["lastSeen"] = lastSeen;
        return document;
    }

    private static bool IsOwnedBy(JsonObject status, CurrentUser user) =>
        status["owner"] is JsonValue owner && owner.TryGetValue<string>(out var text) && Guid.TryParse(text, out var id) && id == user.Id;

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
