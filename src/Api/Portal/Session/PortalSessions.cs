using System.Net;
using Microsoft.Extensions.Options;
using Npgsql;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Auth.Login;
using ZeroLagHub.Api.Auth.Refresh;
using ZeroLagHub.Api.Auth.Sessions;
using ZeroLagHub.Api.Ide.Sessions;

namespace ZeroLagHub.Api.Portal.Session;

/// <summary>
/// Portal sessions are the API's sessions: signing in is <see cref="LoginHandler"/> (same account check, same
/// throttling), and the cookie holds the session's refresh token, which the portal never rotates. Everything that ends
/// an API session ends the portal's (<see cref="SessionRevocations"/> revokes the token); the access token the login
/// also issued is dropped unseen.
/// </summary>
public sealed class PortalSessions(LoginHandler login, SessionRevocations sessions, IdeSessions ideSessions, NpgsqlDataSource db,
    IOptions<AuthOptions> auth, TimeProvider clock)
{
    public sealed record SignIn(LoginOutcome Outcome, string? Cookie, DateTimeOffset Expires, TimeSpan RetryAfter);

    public async Task<SignIn> SignInAsync(string username, string password, IPAddress? client, CancellationToken ct)
    {
        var result = await login.HandleAsync(username, password, client, ct);
        return new SignIn(result.Outcome, result.Tokens?.RefreshToken, clock.GetUtcNow() + auth.Value.RefreshTokenLifetime, result.RetryAfter);
    }

    /// <summary>The live session for a cookie value, or null (unknown, ended, expired, account disabled).</summary>
    public Task<PortalSession?> FindAsync(string cookie, CancellationToken ct) =>
        cookie.Length is 0 or > RefreshTokenValue.MaxLength
            ? Task.FromResult<PortalSession?>(null)
            : FindPortalSession.ExecuteAsync(db, RefreshTokenValue.Hash(cookie), clock.GetUtcNow(), ct);

    /// <summary>Sign-out: as the API's logout, the session ends on every node and the user's IDE sessions with it.</summary>
    public async Task SignOutAsync(Guid userId, Guid sessionId, CancellationToken ct)
    {
        await sessions.EndAsync(userId, [sessionId], ct);
        await ideSessions.RevokeForUserAsync(userId, ct);
    }
}
