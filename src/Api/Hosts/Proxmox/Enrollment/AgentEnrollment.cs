using System.Security.Cryptography;
using System.Text;

namespace ZeroLagHub.Api.Hosts.Proxmox.Enrollment;

/// <summary>
/// One-time enrollment tokens for new Proxmox containers, and the long-lived agent tokens they buy.
/// </summary>
/// <remarks>
/// Why two tokens: whatever reaches a container at creation may be seen again (a file in the
/// container's filesystem lands in its backups; container config is readable with audit rights). So
/// that channel carries only an enrollment token: short-lived, single use, and replaced when a new one is
/// issued for the same container. The agent exchanges it at first boot over HTTPS and keeps the agent
/// token in a 0600 file. If someone else exchanges it first, the real agent's exchange fails with
/// <see cref="EnrollmentFailure.AlreadyUsed"/> and the deployment fails loudly instead of silently.
///
/// Agent tokens are derived, not stored: HMAC-SHA256(key, container id). The control plane can
/// recompute the token it must present for any container without keeping secrets in the event log
/// (events must never carry them); rotating the key re-keys every agent.
///
/// Only hashes of enrollment tokens are kept, in memory. NOTE: an API restart forgets outstanding
/// tokens; a resumed deployment issues a fresh one (the create step is idempotent), so the cost is one
/// more push, never a usable stale token.
/// </remarks>
public sealed class AgentEnrollment(byte[] agentTokenKey, TimeProvider time, TimeSpan ttl)
{
    private readonly byte[] _key = agentTokenKey.Length >= 32
        ? agentTokenKey
        : throw new ArgumentException("The agent token key must be at least 32 bytes (base64 of 32 random bytes: openssl rand -base64 32).");
    private readonly object _gate = new();
    private readonly Dictionary<Guid, Outstanding> _byContainer = [];

    public TimeSpan TimeToLive { get; } = ttl;

    /// <summary>Issues a new token for the container; any earlier, unused token for it stops working.</summary>
    public EnrollmentToken Issue(Guid containerId)
    {
        var value = Base64Url(RandomNumberGenerator.GetBytes(32));
        var expires = time.GetUtcNow() + TimeToLive;
        lock (_gate) _byContainer[containerId] = new Outstanding(Hash(value), expires, Used: false);
        return new EnrollmentToken(containerId, value, expires);
    }

    /// <summary>Exchanges a token once. Comparison is constant-time on hashes.</summary>
    public EnrollmentRedemption Redeem(Guid containerId, string token)
    {
        var presented = Hash(token);
        lock (_gate)
        {
            if (!_byContainer.TryGetValue(containerId, out var outstanding)
                || !CryptographicOperations.FixedTimeEquals(outstanding.Hash, presented))
                return new EnrollmentRedemption(null, EnrollmentFailure.Unknown);
            if (outstanding.Used) return new EnrollmentRedemption(null, EnrollmentFailure.AlreadyUsed);
            if (time.GetUtcNow() >= outstanding.ExpiresAt) return new EnrollmentRedemption(null, EnrollmentFailure.Expired);
            _byContainer[containerId] = outstanding with { Used = true };
        }
        return new EnrollmentRedemption(AgentTokenFor(containerId), null);
    }

    /// <summary>Forgets the container's enrollment (it was deleted).</summary>
    public void Revoke(Guid containerId)
    {
        lock (_gate) _byContainer.Remove(containerId);
    }

    /// <summary>The bearer token the container's agent accepts. Never log it.</summary>
    public string AgentTokenFor(Guid containerId) =>
        Base64Url(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"zlh-agent-token:v1:{containerId:D}")));

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record Outstanding(byte[] Hash, DateTimeOffset ExpiresAt, bool Used);
}
