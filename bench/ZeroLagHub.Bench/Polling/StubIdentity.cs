namespace ZeroLagHub.Bench.Polling;

/// <summary>
/// What a stub agent answers with, derived from its container id alone: the seeding side records the
/// agent's instance id in the container's stream and the stub process reports the same one, without
/// the two processes sharing a list.
/// </summary>
internal static class StubIdentity
{
    /// <summary>Every stub accepts this one token: the poller sends it on <c>/journal</c> as it would a real agent's.</summary>
    public const string Token = "bench-agent-token";

    public static Guid InstanceOf(Guid containerId) => Derive(containerId, 0x5A);

    public static Guid JournalOf(Guid containerId) => Derive(containerId, 0xA5);

    /// <summary>One base URL per container on a shared server: the poller composes <c>health</c> and <c>journal</c> relative to it.</summary>
    public static Uri BaseAddress(Uri server, Guid containerId) => new(server, $"c/{containerId:D}/");

    private static Guid Derive(Guid containerId, byte mask)
    {
        Span<byte> bytes = stackalloc byte[16];
        containerId.TryWriteBytes(bytes);
        foreach (ref var b in bytes) b ^= mask;
        return new Guid(bytes);
    }
}
