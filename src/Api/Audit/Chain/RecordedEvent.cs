namespace ZeroLagHub.Api.Audit.Chain;

/// <summary>
/// An event exactly as stored, for auditors: the JSON as the database holds it (not upcast, not
/// re-serialised) and its chain link's hash, so what an auditor exports is what was hashed.
/// </summary>
/// <param name="Position">Marten's global sequence number (<c>mt_events.seq_id</c>).</param>
/// <param name="SchemaVersion">The payload's schema version under its stored name (see Domain's DomainEvents).</param>
/// <param name="Data">The stored <c>jsonb</c> rendered as text (canonical: keys sorted).</param>
/// <param name="Metadata">Marten's metadata columns as one JSON object: <c>user</c>, <c>correlationId</c>,
/// <c>causationId</c> and the headers' keys; absent ones left out.</param>
/// <param name="Hash">The event's link in zlh_event_chain (see <see cref="HashChainSchema"/>); empty when it has none.</param>
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
