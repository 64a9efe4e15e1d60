using System.Text.Json;
using ZeroLagHub.Projections.Redis;

namespace ZeroLagHub.Projections.Status;

/// <summary>
/// What <see cref="LiveStatusCache"/> publishes on <see cref="LiveStatusCache.ChangesChannel"/>: which container's
/// status changed, and the event store's global position of the change (increasing per container, so an SSE
/// stream can use it as its event id and a consumer can drop a change older than what it already has).
/// </summary>
public sealed record StatusChange(Guid ContainerId, long ChangeId)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>The change a channel message carries, or null when it is not one (another publisher on the channel).</summary>
    public static StatusChange? TryParse(RedisMessage message)
    {
        try
        {
            return JsonSerializer.Deserialize<StatusChange>(message.Payload.Span, Json) is { ContainerId: var id } change && id != Guid.Empty ? change : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
