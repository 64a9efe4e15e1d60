using System.Text.Json;

namespace ZeroLagHub.Cli.Api;

/// <summary>A page of one stream's events (<c>GET /api/audit/containers/{id}/events</c>).</summary>
/// <param name="NextFromVersion">The next page's <c>fromVersion</c>; null at the head.</param>
/// <param name="Users">The account name of each user id the events name (null from an API before names).</param>
public sealed record AuditEventPage(string StreamId, long HeadVersion, IReadOnlyList<AuditEvent> Events, long? NextFromVersion,
    IReadOnlyDictionary<Guid, string>? Users = null);

/// <summary>An event as stored: its JSON verbatim and its chain hash (lowercase hex).</summary>
public sealed record AuditEvent(long Position, string StreamId, long Version, string Type, int SchemaVersion, DateTimeOffset Timestamp,
    JsonElement Data, JsonElement Metadata, string Hash);
