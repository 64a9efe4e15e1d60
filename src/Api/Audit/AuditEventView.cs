using System.Text.Json;
using ZeroLagHub.Api.Audit.Chain;

namespace ZeroLagHub.Api.Audit;

/// <summary>An event as an auditor sees it: stored JSON as stored, and its chain hash in lowercase hex.</summary>
public sealed record AuditEventView(long Position, string StreamId, long Version, string Type, int SchemaVersion,
    DateTimeOffset Timestamp, JsonElement Data, JsonElement Metadata, string Hash)
{
    public static AuditEventView From(RecordedEvent e) => new(e.Position, e.StreamId, e.Version, e.Type, e.SchemaVersion, e.Timestamp,
        JsonElement.Parse(e.Data), JsonElement.Parse(e.Metadata), Convert.ToHexStringLower(e.Hash));

    /// <summary>The account that caused the event (<c>metadata.user</c>), when it is one; null for a service or none.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Guid? UserId =>
        Metadata.ValueKind == JsonValueKind.Object && Metadata.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.String
        && Guid.TryParse(user.GetString(), out var id) ? id : null;
}
