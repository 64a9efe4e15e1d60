namespace ZeroLagHub.Api.Audit;

/// <summary>One command as the audit log keeps it, accepted or not.</summary>
/// <param name="Outcome"><c>accepted</c>, <c>rejected</c> (with <paramref name="Reason"/>) or <c>conflict</c>.</param>
public sealed record AuditEntry(
    Guid CommandId,
    DateTimeOffset At,
    Guid UserId,
    string? ClientIp,
    string Command,
    Guid? ContainerId,
    string Outcome,
    string? Reason);
