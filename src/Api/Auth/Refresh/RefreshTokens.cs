using Microsoft.Extensions.Options;
using Npgsql;
using ZeroLagHub.Api.Auth.Accounts;
using ZeroLagHub.Api.Auth.Sessions;

namespace ZeroLagHub.Api.Auth.Refresh;

/// <summary>
/// Rotating refresh tokens. A login starts a family; each refresh consumes the presented token and
/// issues its successor in one transaction. Presenting a consumed token again is taken as theft (the
/// legitimate client and the thief both hold it) and ends the session (the family and its access tokens,
/// <see cref="SessionRevocations"/>), so both must log in again. The family id is the session id.
/// </summary>
/// <remarks>
/// Two concurrent refreshes with the same token count as reuse too: a client must serialise its
/// refreshes. Accepted for the simplicity of a strict rule; a grace period would blur theft detection.
/// </remarks>
public sealed partial class RefreshTokens(NpgsqlDataSource db, TimeProvider clock, IOptions<AuthOptions> options,
    SessionRevocations sessions, ILogger<RefreshTokens> log)
{
    public sealed record Rotation(RefreshOutcome Outcome, UserAccount? User = null, string? Token = null, Guid SessionId = default);

    /// <summary>A new family (session) for a fresh login; returns its first token and the session id.</summary>
    public async Task<(string Token, Guid SessionId)> StartFamilyAsync(Guid userId, CancellationToken ct)
    {
        var token = RefreshTokenValue.New();
        var session = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await InsertRefreshToken.ExecuteAsync(connection, null, Guid.CreateVersion7(), RefreshTokenValue.Hash(token), userId,
            session, now, now + options.Value.RefreshTokenLifetime, ct);
        return (token, session);
    }

    public async Task<Rotation> RotateAsync(string token, CancellationToken ct)
    {
        var hash = RefreshTokenValue.Hash(token);
        var now = clock.GetUtcNow();
        var next = RefreshTokenValue.New();
        var nextId = Guid.CreateVersion7();

        await using (var connection = await db.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var consumed = await ConsumeRefreshToken.ExecuteAsync(connection, tx, hash, nextId, now, ct);
            if (consumed is { } live)
            {
                await InsertRefreshToken.ExecuteAsync(connection, tx, nextId, RefreshTokenValue.Hash(next), live.User.Id,
                    live.FamilyId, now, now + options.Value.RefreshTokenLifetime, ct);
                await tx.CommitAsync(ct);
                return new Rotation(RefreshOutcome.Rotated, live.User, next, live.FamilyId);
            }
        }

        if (await FindConsumedRefreshToken.ExecuteAsync(db, hash, ct) is not { } reused)
            return new Rotation(RefreshOutcome.Refused);
        await sessions.EndAsync(reused.UserId, [reused.FamilyId], ct);
        LogReuse(log, reused.UserId, reused.FamilyId);
        return new Rotation(RefreshOutcome.ReuseDetected);
    }

    /// <summary>The session a refresh token belongs to, if it is <paramref name="userId"/>'s (logout with a token in the body).</summary>
    public Task<Guid?> FindSessionAsync(string token, Guid userId, CancellationToken ct) =>
        FindRefreshTokenFamily.ExecuteAsync(db, RefreshTokenValue.Hash(token), userId, ct);

    [LoggerMessage(EventId = 610, Level = LogLevel.Warning,
        Message = "A consumed refresh token of user {UserId} was presented again; session {FamilyId} ended")]
    private static partial void LogReuse(ILogger log, Guid userId, Guid familyId);
}
