namespace ZeroLagHub.Api.Audit;

/// <summary>A page of one stream. <paramref name="NextFromVersion"/> is the next page's <c>fromVersion</c>; null at the head.</summary>
/// <param name="Users">
/// The account name of each user id the page's events name as <c>metadata.user</c> (ids of deleted or unknown
/// accounts are left out; services such as <c>system</c> are names already), so a reader sees who, not an id.
/// </param>
public sealed record AuditEventPage(string StreamId, long HeadVersion, IReadOnlyList<AuditEventView> Events, long? NextFromVersion,
    IReadOnlyDictionary<Guid, string> Users);
