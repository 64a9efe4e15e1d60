namespace ZeroLagHub.Projections.Events;

/// <summary>What an appender believes about a stream: any state, no stream yet, or an exact version.</summary>
public readonly record struct ExpectedVersion
{
    private ExpectedVersion(long value) => Value = value;

    /// <summary>-1 for any, 0 for no stream, otherwise the stream's current version (the SQL encoding).</summary>
    public long Value { get; }

    /// <summary>Append whatever the stream's version; the chain stays valid because appends to one stream serialise.</summary>
    public static ExpectedVersion Any { get; } = new(-1);

    /// <summary>The stream must not exist yet.</summary>
    public static ExpectedVersion NoStream { get; } = new(0);

    /// <summary>The stream must be at exactly <paramref name="version"/> (≥ 1).</summary>
    public static ExpectedVersion Exactly(long version) => version >= 1
        ? new(version)
        : throw new ArgumentOutOfRangeException(nameof(version), version, "use NoStream for a stream that must not exist");

    public override string ToString() => Value switch { -1 => "any", 0 => "no stream", _ => $"version {Value}" };
}
