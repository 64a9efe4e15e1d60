namespace ZeroLagHub.Api.Audit;

/// <summary>A page of one stream. <paramref name="NextFromVersion"/> is the next page's <c>fromVersion</c>; null at the head.</summary>
public sealed record AuditEventPage(string StreamId, long HeadVersion, IReadOnlyList<AuditEventView> Events, long? NextFromVersion);
