namespace ZeroLagHub.Api.Problems;

/// <summary>
/// Endpoint metadata: the command name the audit log shows for a request to this route that could not
/// be read (<c>create_container</c>); without it the log shows the method and route (<c>POST /api/auth/logout</c>).
/// </summary>
public sealed record AuditedCommand(string Name);
