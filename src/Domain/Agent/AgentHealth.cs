namespace ZeroLagHub.Domain.Agent;

/// <summary>
/// <c>GET /health</c> with the agent's token: the agent is up, for this container. A new <paramref name="InstanceId"/>
/// means the agent restarted. Without the token the answer is only <see cref="AgentUp"/>.
/// </summary>
public sealed record AgentHealth(string Status, Guid ContainerId, Guid InstanceId, double UptimeSeconds, string Version);
