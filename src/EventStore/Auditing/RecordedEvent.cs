namespace ZeroLagHub.EventStore.Auditing;

/// <summary>
/// An event exactly as stored, for auditors: the JSON as the database holds it (not upcast, not
/// re-serialised) and the chain hash, so what an auditor exports is what was hashed.
/// </summary>
/// <param name="Data">The stored <c>jsonb</c> rendered as text (canonical: keys sorted).</param>
/// <param name="Metadata">The stored metadata <c>jsonb</c> as text.</param>
/// <param name="Hash">SHA-256 over the previous event's hash and this event's content (es.event_hash).</param>
public sealed record RecordedEvent(
    long Position,
    string StreamId,
    long Version,
    string Type,
    int SchemaVersion,
    string Data,
    string Metadata,
    DateTimeOffset Timestamp,
    byte[] Hash);
