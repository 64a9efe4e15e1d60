namespace ZeroLagHub.Api.Hosts.Proxmox.Enrollment;

/// <summary>Why an enrollment token was refused. Every refusal leaves the token as worthless as before.</summary>
public enum EnrollmentFailure
{
    /// <summary>Never issued, or issued for another container, or replaced by a newer one.</summary>
    Unknown,

    /// <summary>Issued, but its time to live has passed.</summary>
    Expired,

    /// <summary>Already exchanged once. A second exchange means someone else saw the token: investigate.</summary>
    AlreadyUsed,
}
