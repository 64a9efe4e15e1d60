namespace ZeroLagHub.Api.Audit;

/// <summary>Newest first. <paramref name="NextBefore"/> is the next page's <c>before</c>; null on the last page.</summary>
public sealed record AuditLogPage(IReadOnlyList<AuditLogEntry> Items, long? NextBefore);
