using StackExchange.Redis;

namespace ZeroLagHub.Api.Auth.Sessions;

/// <summary>
/// The Redis copy of <c>zlh.revoked_sessions</c>: a key per ended session (<c>session-revoked:&lt;id&gt;</c>, expiring
/// with its row) and a marker (<c>session-revocations:complete</c>) saying the copy holds every row. A missing key
/// proves "not revoked" only while the marker is there: after a Redis restart or flush, or a failed write, the
/// marker is gone and readers ask PostgreSQL until a refill puts it back.
/// </summary>
public sealed class RevokedSessionCache(IConnectionMultiplexer redis)
{
    private const string CompleteKey = "session-revocations:complete";

    /// <summary>
    /// The marker expires after this even when nothing failed, and the next reader refills: it bounds how long a copy
    /// can go on lacking a revocation whose write failed while the marker could not be deleted either (a blip).
    /// </summary>
    public static readonly TimeSpan CompleteFor = TimeSpan.FromMinutes(5);

    private static string Key(Guid session) => $"session-revoked:{session:N}";

    /// <summary>True revoked, false not revoked, null unknown (the copy is not known to be complete). One MGET.</summary>
    public async Task<bool?> IsRevokedAsync(Guid session, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var values = await Database.StringGetAsync([Key(session), CompleteKey]);
        return !values[0].IsNull ? true : !values[1].IsNull ? false : null;
    }

    /// <summary>Adds sessions, each kept for its time to live (those with none left are skipped). Pipelined.</summary>
    public Task AddAsync(IEnumerable<(Guid Session, TimeSpan TimeToLive)> sessions, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var db = Database;
        return Task.WhenAll(sessions.Where(s => s.TimeToLive > TimeSpan.Zero).Select(s => db.StringSetAsync(Key(s.Session), "1", s.TimeToLive)));
    }

    public Task MarkCompleteAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Database.StringSetAsync(CompleteKey, "1", CompleteFor);
    }

    public Task MarkIncompleteAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Database.KeyDeleteAsync(CompleteKey);
    }

    private IDatabase Database => redis.GetDatabase();
}
