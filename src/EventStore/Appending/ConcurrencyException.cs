namespace ZeroLagHub.EventStore.Appending;

/// <summary>The stream was not at the expected version; nothing was written.</summary>
public sealed class ConcurrencyException(string streamId, ExpectedVersion expected, long actualVersion)
    : Exception($"stream '{streamId}' is at version {actualVersion}, the append expected {expected}")
{
    public string StreamId { get; } = streamId;
    public ExpectedVersion Expected { get; } = expected;

    /// <summary>The stream's version when the append was refused (0 when it does not exist).</summary>
    public long ActualVersion { get; } = actualVersion;
}
