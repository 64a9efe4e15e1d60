using System.Text;

namespace ZeroLagHub.Projections.Redis;

/// <summary>A message received on a subscribed channel. <see cref="Pattern"/> is set when it matched a PSUBSCRIBE pattern.</summary>
public sealed record RedisMessage(string Channel, ReadOnlyMemory<byte> Payload, string? Pattern = null)
{
    public string Text => Encoding.UTF8.GetString(Payload.Span);
}
