namespace ZeroLagHub.Api.Hosts.Proxmox.Enrollment;

/// <summary>The outcome of an exchange: the agent token, or why there is none.</summary>
public sealed record EnrollmentRedemption(string? AgentToken, EnrollmentFailure? Failure)
{
    public bool Succeeded => AgentToken is not null;

    public override string ToString() => Succeeded ? "enrolled (agent token redacted)" : $"refused: {Failure}";
}
