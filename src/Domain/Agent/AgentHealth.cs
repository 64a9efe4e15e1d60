namespace ZeroLagHub.Domain.Agent;

/// <summary><c>GET /health</c>: the agent is up. A new <paramref name="InstanceId"/> means the agent restarted.</summary>
public sealed record AgentHealth(string Status, Guid ContainerId, Guid InstanceId, double UptimeSeconds, string Version);
