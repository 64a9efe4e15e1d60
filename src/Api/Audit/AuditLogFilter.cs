namespace ZeroLagHub.Api.Audit;

/// <summary>What to list from the command audit log; null members do not filter. Times: [Since, Until).</summary>
/// <param name="Before">Only rows older than this id (keyset paging).</param>
public sealed record AuditLogFilter(Guid? User, Guid? Container, DateTimeOffset? Since, DateTimeOffset? Until, long? Before, int Limit);
