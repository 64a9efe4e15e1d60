namespace ZeroLagHub.Api.Hosts.Proxmox.Client;

/// <summary>The server's certificate is not one of the pinned fingerprints. Never retried.</summary>
public sealed class ProxmoxCertificateException(string message, string? presentedFingerprint, Exception inner)
    : ProxmoxException(message, null, inner)
{
    public string? PresentedFingerprint { get; } = presentedFingerprint;
}
