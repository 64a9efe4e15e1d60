namespace ZeroLagHub.Projections.Events;

/// <summary>An event as read back: its place in the log and stream, and its payload upcast to the current type.</summary>
/// <param name="SchemaVersion">The schema version it was written with (before upcasting).</param>
/// <param name="Timestamp">Set by the database under the stream's lock; never decreases within a stream.</param>
public sealed record StoredEvent(
    long Position,
    ulong TransactionId,
    string StreamId,
    long Version,
    string Type,
    int SchemaVersion,
    object Data,
    EventMetadata Metadata,
    DateTimeOffset Timestamp)
{
    public LogPosition LogPosition => new(TransactionId, Position);
}
