using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using StackExchange.Redis;

namespace ZeroLagHub.Projections.Status;

/// <summary>
/// What <see cref="LiveStatusCache"/> publishes on <see cref="LiveStatusCache.ChangesChannel"/>: a container's new
/// status document and where it stands in the log. <paramref name="ChangeId"/> (the event's global position)
/// increases per container; <see cref="Cursor"/> increases across containers in the order the projection
/// wrote them, so a status stream uses it as its event id and resumes from it.
/// </summary>
/// <param name="Status">The status document, as cached under <c>status:&lt;id&gt;</c>.</param>
public sealed record StatusChange(Guid ContainerId, long ChangeId, ulong Transaction, JsonElement Status)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [JsonIgnore]
    public StatusCursor Cursor => new(Transaction, ChangeId);

    /// <summary>The channel message for <paramref name="statusJson"/>, embedded as it is (no re-serialization).</summary>
    public static byte[] ToJson(Guid containerId, StatusCursor cursor, string statusJson)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("containerId", containerId);
            writer.WriteNumber("changeId", cursor.Position);
            writer.WriteNumber("transaction", cursor.Transaction);
            writer.WritePropertyName("status");
            writer.WriteRawValue(Encoding.UTF8.GetBytes(statusJson));
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The change a channel message carries, or null when it is not one (another publisher on the channel).</summary>
    public static StatusChange? TryParse(RedisValue message)
    {
        try
        {
            return JsonSerializer.Deserialize<StatusChange>(((ReadOnlyMemory<byte>)message).Span, Json) is { ContainerId: var id, Status.ValueKind: JsonValueKind.Object } change
                   && id != Guid.Empty
                ? change
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
