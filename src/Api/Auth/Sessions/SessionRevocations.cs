using Microsoft.Extensions.Options;
using Npgsql;
using ZeroLagHub.Api.Auth.Tokens;
using StackExchange.Redis;
using ZeroLagHub.Projections.Multiplexer;

namespace ZeroLagHub.Api.Auth.Sessions;

/// <summary>
/// Ends sessions before their access tokens expire, on every API node at once. A session is a refresh token
/// family (started by a login); every access token names it in <c>sid</c>. Ending a session (logout, a reused
/// refresh token, a password change) revokes its refresh tokens and lists it in <c>zlh.revoked_sessions</c>, then
/// in Redis; the authentication handler refuses an access token whose session is listed.
/// </summary>
/// <remarks>
/// The check runs on every authenticated request: one Redis MGET (<see cref="RevokedSessionCache"/>). PostgreSQL
/// answers instead when Redis is not configured, down, or its copy is not known to be complete; the first such
/// read on a node starts one refill of the copy in the background. The write goes to PostgreSQL first, so a
/// revocation is never lost, and to Redis before the caller gets its answer, so every node refuses the session's
/// tokens by then. Known gap: a revocation whose Redis write failed while the completeness marker could not be
/// removed either (a network blip, not a restart) is missed by Redis readers until the marker expires
/// (<see cref="RevokedSessionCache.CompleteFor"/>).
/// </remarks>
public sealed partial class SessionRevocations(NpgsqlDataSource db, TimeProvider clock, IOptions<AuthOptions> options,
    ILogger<SessionRevocations> log, RevokedSessionCache? cache = null)
{
    private int _refilling;

    /// <summary>Ends <paramref name="sessions"/> of <paramref name="userId"/> (ids of other users' sessions change nothing of theirs). Idempotent.</summary>
    public async Task EndAsync(Guid userId, IReadOnlyCollection<Guid> sessions, CancellationToken ct)
    {
        if (sessions.Count == 0) return;
        var now = clock.GetUtcNow();
        // The last access token of the session was issued at the latest now; it is refused by everyone after this.
        var lifetime = options.Value.AccessTokenLifetime + TokenService.ClockSkew;
        await RevokeSessions.ExecuteAsync(db, userId, sessions, now, now + lifetime, ct);
        LogEnded(log, userId, sessions.Count);
        if (cache is null) return;
        // Not the caller's token: once PostgreSQL has it, Redis must get it too (or lose its marker), caller gone or not.
        try
        {
            await cache.AddAsync(sessions.Select(s => (s, lifetime)), CancellationToken.None);
        }
        catch (Exception e) when (RedisMultiplexer.IsUnavailable(e))
        {
            LogCacheWriteFailed(log, e.Message);
            try { await cache.MarkIncompleteAsync(CancellationToken.None); }
            catch (Exception down) when (RedisMultiplexer.IsUnavailable(down)) { /* Down: the marker expires on its own (see remarks). */ }
        }
    }

    /// <summary>Ends every session of the user (a password change).</summary>
    public async Task EndAllAsync(Guid userId, CancellationToken ct) =>
        await EndAsync(userId, await ListLiveSessions.ExecuteAsync(db, userId, ct), ct);

    public async Task<bool> IsRevokedAsync(Guid sessionId, CancellationToken ct)
    {
        if (cache is not null)
        {
            try
            {
                if (await cache.IsRevokedAsync(sessionId, ct) is { } known) return known;
                StartRefill(cache);
            }
            catch (Exception e) when (RedisMultiplexer.IsUnavailable(e))
            {
                LogCacheUnavailable(log, e.Message);
            }
        }
        return await IsSessionRevoked.ExecuteAsync(db, sessionId, ct);
    }

    /// <summary>One refill per node at a time; readers meanwhile ask PostgreSQL.</summary>
    private void StartRefill(RevokedSessionCache copy)
    {
        if (Interlocked.Exchange(ref _refilling, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            try
            {
                var now = clock.GetUtcNow();
                var sessions = await ListRevokedSessions.ExecuteAsync(db, now, CancellationToken.None);
                await copy.AddAsync(sessions.Select(s => (s.Session, s.ExpiresAt - now)), CancellationToken.None);
                await copy.MarkCompleteAsync(CancellationToken.None);
                LogRefilled(log, sessions.Count);
            }
            catch (Exception e) when (RedisMultiplexer.IsUnavailable(e) || e is NpgsqlException)
            {
                LogRefillFailed(log, e.Message);
            }
            finally
            {
                Volatile.Write(ref _refilling, 0);
            }
        });
    }

    [LoggerMessage(EventId = 640, Level = LogLevel.Information, Message = "Ended {Count} session(s) of user {UserId}")]
    private static partial void LogEnded(ILogger log, Guid userId, int count);

    [LoggerMessage(EventId = 641, Level = LogLevel.Warning, Message = "Could not copy ended sessions to Redis ({Reason}); readers ask PostgreSQL until the next refill")]
    private static partial void LogCacheWriteFailed(ILogger log, string reason);

    [LoggerMessage(EventId = 642, Level = LogLevel.Debug, Message = "Redis unavailable for the session check ({Reason}); asking PostgreSQL")]
    private static partial void LogCacheUnavailable(ILogger log, string reason);

    [LoggerMessage(EventId = 643, Level = LogLevel.Information, Message = "Copied {Count} ended session(s) to Redis")]
    private static partial void LogRefilled(ILogger log, int count);

    [LoggerMessage(EventId = 644, Level = LogLevel.Warning, Message = "Refilling Redis with ended sessions failed ({Reason}); readers ask PostgreSQL")]
    private static partial void LogRefillFailed(ILogger log, string reason);
}
