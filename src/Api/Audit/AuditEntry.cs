namespace ZeroLagHub.Api.Audit;

/// <summary>One command (or audited action: <see cref="AuditTrail"/>) as the audit log keeps it, accepted or not.</summary>
/// <param name="Target">What an audited action acted on when that is not (only) a container, e.g. <c>projection container_status</c>.</param>
/// <param name="Outcome"><c>accepted</c> (at most once per command id), <c>rejected</c> (with <paramref name="Reason"/>)
/// or <c>conflict</c>; <c>repeated</c> marks a second acceptance written before that rule (Storage/Migrations/V006).</param>
public sealed record AuditEntry(
    Guid CommandId,
    DateTimeOffset At,
    Guid UserId,
    string? ClientIp,
    string Command,
    Guid? ContainerId,
    string Outcome,
    string? Reason,
    string? Target = null);
