using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace ZeroLagHub.Api.Hosts.Proxmox.Enrollment;

/// <summary>
/// One-time enrollment tokens for new Proxmox containers, and the long-lived agent tokens they buy.
/// </summary>
/// <remarks>
/// Why two tokens: whatever reaches a container at creation may be seen again (a file in the
/// container's filesystem lands in its backups; container config is readable with audit rights). So
/// that channel carries only an enrollment token: short-lived, single use, and replaced when a new one is
/// issued for the same container. The first-boot script exchanges it over HTTPS and keeps the agent
/// token in a 0600 file. If someone else exchanges it first, the real exchange fails with
/// <see cref="EnrollmentFailure.AlreadyUsed"/> and the deployment fails loudly instead of silently.
///
/// Enrollment tokens live in PostgreSQL (<c>zlh.enrollment_tokens</c>, hashes only), so any API node
/// may issue one and any other accept it, and single use holds across nodes (see
/// <see cref="RedeemEnrollmentToken"/>). Agent tokens are derived, not stored: HMAC-SHA256(key,
/// container id). The control plane recomputes the token it must present for any container without
/// keeping secrets in the event log (events must never carry them); rotating the key re-keys every agent.
/// </remarks>
public sealed class AgentEnrollment(byte[] agentTokenKey, NpgsqlDataSource db, TimeProvider time, TimeSpan ttl)
{
    /// <summary>How long an expired or used token's row is kept, so a late exchange is told why it failed.</summary>
    public static readonly TimeSpan KeptAfterExpiry = TimeSpan.FromDays(1);

    private readonly byte[] _key = agentTokenKey.Length >= 32
        ? agentTokenKey
        : throw new ArgumentException("The agent token key must be at least 32 bytes (base64 of 32 random bytes: openssl rand -base64 32).");

    public TimeSpan TimeToLive { get; } = ttl;

    /// <summary>Issues a new token for the container; any earlier token for it stops working.</summary>
    public async Task<EnrollmentToken> IssueAsync(Guid containerId, CancellationToken ct)
    {
        var value = Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var expires = now + TimeToLive;
        await IssueEnrollmentToken.ExecuteAsync(db, containerId, Hash(value), now, expires, now - KeptAfterExpiry, ct);
        return new EnrollmentToken(containerId, value, expires);
    }

    /// <summary>Exchanges a token once, on whichever API node it arrives at.</summary>
    public async Task<EnrollmentRedemption> RedeemAsync(Guid containerId, string token, CancellationToken ct)
    {
        var hash = Hash(token);
        if (await RedeemEnrollmentToken.ExecuteAsync(db, containerId, hash, time.GetUtcNow(), ct))
            return new EnrollmentRedemption(AgentTokenFor(containerId), null);
        return new EnrollmentRedemption(null, await FindRefusedEnrollmentToken.ExecuteAsync(db, containerId, hash, ct));
    }

    /// <summary>Forgets the container's enrollment (it was deleted).</summary>
    public Task RevokeAsync(Guid containerId, CancellationToken ct) => RevokeEnrollmentToken.ExecuteAsync(db, containerId, ct);

    /// <summary>The bearer token the container's agent accepts. Never log it.</summary>
    public string AgentTokenFor(Guid containerId) =>
        Base64Url(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"zlh-agent-token:v1:{containerId:D}")));

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
