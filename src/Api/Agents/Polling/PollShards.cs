namespace ZeroLagHub.Api.Agents.Polling;

/// <summary>
/// Agents are split between API nodes by a fixed number of shards. The count is a constant, not a
/// setting: every node must map a container to the same shard.
/// </summary>
public static class PollShards
{
    public const int Count = 16;

    /// <summary>The shard of a container: FNV-1a over its UUID's bytes (stable across processes, unlike GetHashCode).</summary>
    public static int Of(Guid containerId)
    {
        Span<byte> bytes = stackalloc byte[16];
        containerId.TryWriteBytes(bytes);
        var hash = 2166136261u;
        foreach (var b in bytes)
        {
            hash ^= b;
            hash *= 16777619u;
        }
        return (int)(hash % Count);
    }
}
