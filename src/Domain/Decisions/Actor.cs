namespace ZeroLagHub.Domain.Decisions;

/// <summary>Who issues a command. Admins act on every container; everyone else only on their own.</summary>
/// <param name="UserId">The authenticated user's id, or a fixed name such as <c>system</c> for the process manager.</param>
public sealed record Actor(string UserId, bool IsAdmin = false)
{
    /// <summary>The control plane acting on its own (process manager, poller): may act on every stream.</summary>
    public static Actor System { get; } = new("system", IsAdmin: true);
}
