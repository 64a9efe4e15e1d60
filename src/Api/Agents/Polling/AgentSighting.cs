namespace ZeroLagHub.Api.Agents.Polling;

/// <summary>One successful poll of an agent: what a "last seen" store keeps (with a TTL), never an event.</summary>
public sealed record AgentSighting(Guid ContainerId, Guid InstanceId, double UptimeSeconds, string Version, DateTimeOffset At);
