using System.Text.Json;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Api.Agents.Polling;

/// <summary>
/// Keeps each sighting in Redis <c>agent:&lt;container id&gt;</c> for <see cref="LiveStatusCache.AgentSeenTtl"/>, where
/// the status endpoint reads "last seen". A Redis error propagates to the poller, which logs it and polls on.
/// </summary>
public sealed class RedisLastSeen(LiveStatusCache cache) : ILastSeen
{
    public async ValueTask SeenAsync(AgentSighting sighting, CancellationToken ct) =>
        await cache.SetAgentSeenAsync(sighting.ContainerId, JsonSerializer.Serialize(sighting, JsonSerializerOptions.Web), ct);
}
