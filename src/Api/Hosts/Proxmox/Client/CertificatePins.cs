using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ZeroLagHub.Api.Hosts.Proxmox.Client;

/// <summary>
/// The SHA-256 fingerprints a Proxmox node's TLS certificate may have. Proxmox nodes use self-signed
/// (or cluster-CA) certificates, so the chain is not what we trust: the leaf's fingerprint is. A list,
/// so a renewed certificate can be pinned before the node switches to it. There is deliberately no
/// "accept anything" mode.
/// </summary>
public sealed class CertificatePins
{
    private readonly HashSet<string> _pins;

    public CertificatePins(IEnumerable<string> fingerprints)
    {
        _pins = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fingerprint in fingerprints) _pins.Add(Normalize(fingerprint));
        if (_pins.Count == 0)
            throw new ArgumentException(
                "No TLS certificate fingerprint pinned: add the node's SHA-256 fingerprint (Datacenter → node → System → Certificates, or `openssl x509 -noout -fingerprint -sha256 -in /etc/pve/local/pve-ssl.pem`).");
    }

    /// <summary>The fingerprint of the last certificate a server presented, for error messages.</summary>
    public string? LastPresented { get; private set; }

    /// <summary>Upper-case hex pairs separated by colons, as Proxmox's GUI and openssl print them.</summary>
    public static string Format(X509Certificate certificate) =>
        string.Join(':', SHA256.HashData(certificate.GetRawCertData()).Select(b => b.ToString("X2")));

    public bool IsPinned(X509Certificate certificate) => _pins.Contains(Format(certificate));

    internal bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null) return false;
        LastPresented = Format(certificate);
        return _pins.Contains(LastPresented);
    }

    /// <summary>Accepts <c>AA:BB:…</c>, <c>aa:bb:…</c>, <c>AABB…</c> and an openssl <c>sha256 Fingerprint=</c> prefix.</summary>
    public static string Normalize(string fingerprint)
    {
        var text = fingerprint.Trim();
        var equals = text.IndexOf('=');
        if (equals >= 0) text = text[(equals + 1)..];
        var hex = text.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
            throw new ArgumentException($"'{fingerprint}' is not a SHA-256 fingerprint: expected 32 hex pairs such as AB:CD:…");
        return string.Join(':', Enumerable.Range(0, 32).Select(i => hex.Substring(i * 2, 2)));
    }
}
