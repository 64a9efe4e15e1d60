using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Domain.Containers;

/// <summary>
/// What one poll of a container's agent means for its stream: only transitions are events. Pure; the
/// poller keeps the count of consecutive failures in memory and passes it in.
/// </summary>
public static class AgentPresence
{
    /// <summary>Consecutive failed polls before an online agent is recorded offline: one lost answer is a blip.</summary>
    public const int FailuresBeforeOffline = 2;

    /// <param name="known">The container as its stream stands (the directory row).</param>
    /// <param name="health">The agent's <c>/health</c> answer; null when the poll failed.</param>
    /// <param name="consecutiveFailures">Failed polls in a row, this one included (0 when it answered).</param>
    /// <returns>The transition, or null when the poll changes nothing.</returns>
    public static IContainerEvent? Decide(ContainerState known, AgentHealth? health, int consecutiveFailures, DateTimeOffset now)
    {
        if (health is null)
            return known.AgentOnline && consecutiveFailures >= FailuresBeforeOffline ? new AgentWentOffline(now) : null;

        if (known.AgentInstanceId is not { } previous)
        {
            // Never registered: during provisioning the deployment's wait_for_agent stage does that (with the
            // stage's outcome); afterwards, e.g. when that stage had timed out, the first answer registers it.
            if (known.AgentOnline || known.Lifecycle == ContainerLifecycle.Provisioning) return null;
            return new AgentRegistered(health.InstanceId, now);
        }
        if (previous != health.InstanceId) return new AgentRestarted(previous, health.InstanceId, now);
        return known.AgentOnline ? null : new AgentCameBack(health.InstanceId, now);
    }
}
