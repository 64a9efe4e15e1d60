namespace ZeroLagHub.Api.Audit;

/// <summary>One row of the command audit log as auditors read it.</summary>
/// <param name="Id">Keyset cursor: pass the last one seen as <c>before</c> for the next (older) page.</param>
/// <param name="Username">The account's name now; null when the account no longer exists (or never had a row).</param>
/// <param name="Outcome"><c>accepted</c>, <c>rejected</c> or <c>conflict</c>; <paramref name="Reason"/> says why when not accepted.</param>
/// <param name="Target">What an admin action or session acted on besides a container (see <see cref="AuditEntry.Target"/>).</param>
public sealed record AuditLogEntry(long Id, DateTimeOffset At, Guid UserId, string? Username, string? ClientIp, string Command,
    Guid? ContainerId, string Outcome, string? Reason, Guid CommandId, string? Target);
