using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ZeroLagHub.Api.Ide.Sessions;

/// <summary>
/// Server-side IDE sessions behind the IDE cookie: revocable (logout, container deleted or transferred)
/// and ending after <see cref="IdeOptions.SessionIdleTimeout"/> without use, so a long IDE session does not
/// die with its 5-minute token. The cookie holds 32 random bytes; the table only their SHA-256.
/// </summary>
public sealed class IdeSessions(NpgsqlDataSource db, IOptions<IdeOptions> options, TimeProvider clock)
{
    /// <summary>A page load makes hundreds of requests: last use is written at most this often per session.</summary>
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    private const int MaxCookieLength = 64;

    /// <summary>Starts a session and returns the value for the cookie.</summary>
    public async Task<string> StartAsync(Guid userId, bool admin, Guid containerId, CancellationToken ct)
    {
        var id = Base64Url(RandomNumberGenerator.GetBytes(32));
        await InsertIdeSession.ExecuteAsync(db, new IdeSession(Hash(id), userId, admin, containerId, clock.GetUtcNow()), ct);
        return id;
    }

    /// <summary>The live session for a cookie value (and its use recorded), or null when unknown, revoked or idle too long.</summary>
    public async Task<IdeSession?> UseAsync(string cookie, CancellationToken ct)
    {
        if (cookie.Length is 0 or > MaxCookieLength) return null;
        var now = clock.GetUtcNow();
        var session = await FindLiveIdeSession.ExecuteAsync(db, Hash(cookie), now - options.Value.SessionIdleTimeout, ct);
        if (session is not null && now - session.LastUsedAt >= TouchInterval) await TouchIdeSession.ExecuteAsync(db, session.IdHash, now, ct);
        return session;
    }

    public Task<int> RevokeForUserAsync(Guid userId, CancellationToken ct) =>
        RevokeIdeSessions.OfUserAsync(db, userId, clock.GetUtcNow(), ct);

    public Task<int> RevokeForContainerAsync(Guid containerId, CancellationToken ct) =>
        RevokeIdeSessions.OfContainerAsync(db, containerId, clock.GetUtcNow(), ct);

    /// <summary>Deletes revoked and idle-expired sessions; returns how many.</summary>
    public Task<int> DeleteEndedAsync(CancellationToken ct) =>
        DeleteEndedIdeSessions.ExecuteAsync(db, clock.GetUtcNow() - options.Value.SessionIdleTimeout, ct);

    private static byte[] Hash(string id) => SHA256.HashData(Encoding.UTF8.GetBytes(id));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
