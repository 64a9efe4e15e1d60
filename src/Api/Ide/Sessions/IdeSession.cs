namespace ZeroLagHub.Api.Ide.Sessions;

/// <summary>A live IDE session: whose, for which container, and when it was last used (for the idle timeout).</summary>
/// <param name="Admin">The user was an admin when the session began (may open containers of others).</param>
public sealed record IdeSession(byte[] IdHash, Guid UserId, bool Admin, Guid ContainerId, DateTimeOffset LastUsedAt);
