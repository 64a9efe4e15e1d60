namespace ZeroLagHub.Domain.Agent;

/// <summary><c>GET /health</c> without the agent's token: the agent is up, and nothing more.</summary>
public sealed record AgentUp(string Status)
{
    public static AgentUp Instance { get; } = new("up");
}
