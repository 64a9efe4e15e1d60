namespace ZeroLagHub.Api.Hosts.Proxmox.Enrollment;

/// <summary>A one-time token a new container exchanges for its agent token. <see cref="Value"/> is a secret.</summary>
public sealed record EnrollmentToken(Guid ContainerId, string Value, DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"enrollment token for {ContainerId} (redacted, expires {ExpiresAt:O})";
}
