namespace ZeroLagHub.Api.Hosts;

/// <summary>How the control plane reaches one agent. The token is a secret: never logged, never in an event.</summary>
public sealed record AgentEndpoint(Uri BaseAddress, string Token)
{
    public override string ToString() => $"{BaseAddress} (token redacted)";
}
