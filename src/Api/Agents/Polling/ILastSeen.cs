namespace ZeroLagHub.Api.Agents.Polling;

/// <summary>
/// Where the poller reports each agent it reached (Redis <c>agent:&lt;id&gt;</c> with a TTL, in
/// production). Only a cache for readers: offline is never derived from an entry expiring, so a store
/// that is down or restarted marks nobody offline. A failure here is logged and polling goes on.
/// </summary>
public interface ILastSeen
{
    ValueTask SeenAsync(AgentSighting sighting, CancellationToken ct);
}
