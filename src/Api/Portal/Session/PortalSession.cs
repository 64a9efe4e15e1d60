namespace ZeroLagHub.Api.Portal.Session;

/// <summary>A live portal session: its user as the database has it now (roles, name) and the session (refresh token family) id.</summary>
public sealed record PortalSession(Guid UserId, string Username, string[] Roles, Guid SessionId);
