using System.Net;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using ZeroLagHub.Api.Auth.Accounts;
using ZeroLagHub.Api.Auth.Refresh;
using ZeroLagHub.Api.Auth.Tokens;

namespace ZeroLagHub.Api.Auth.Login;

/// <summary>
/// Checks a username and password and starts a session (access token + new refresh token family).
/// An unknown user, a wrong password and a disabled account take the same path: a password hash is
/// verified in each case (against a placeholder hash for unknown users), so neither the answer nor its
/// timing tells which accounts exist.
/// </summary>
public sealed partial class LoginHandler(NpgsqlDataSource db, LoginThrottle throttle, IPasswordHasher<UserAccount> hasher,
    AccessTokenIssuer accessTokens, RefreshTokens refreshTokens, TimeProvider clock, ILogger<LoginHandler> log)
{
    public sealed record Result(LoginOutcome Outcome, TokenResponse? Tokens = null, TimeSpan RetryAfter = default);

    private readonly Lazy<string> _placeholderHash = new(() => hasher.HashPassword(null!, Guid.NewGuid().ToString()));

    public async Task<Result> HandleAsync(string username, string password, IPAddress? client, CancellationToken ct)
    {
        if (throttle.TryBegin(username, client, out var attempt, out var delay) is { } wait)
        {
            LogThrottled(log, Shorten(username), client);
            return new Result(LoginOutcome.Throttled, RetryAfter: wait);
        }
        if (delay > TimeSpan.Zero)
        {
            // The account is being guessed at from elsewhere: slow every guess, refuse none.
            LogSlowed(log, Shorten(username), client, delay.TotalSeconds);
            await Task.Delay(delay, clock, ct);
        }

        var user = await FindUserByName.ExecuteAsync(db, username, ct);
        var verified = hasher.VerifyHashedPassword(user!, user?.PasswordHash ?? _placeholderHash.Value, password)
            is not PasswordVerificationResult.Failed;
        if (user is null || !verified || user.Disabled)
        {
            LogFailed(log, Shorten(username), client, user is null ? "unknown user" : user.Disabled ? "disabled" : "wrong password");
            return new Result(LoginOutcome.Refused);
        }

        throttle.Succeeded(attempt);
        var (refresh, session) = await refreshTokens.StartFamilyAsync(user.Id, ct);
        var access = accessTokens.Issue(user.Id, user.Username, user.Roles, session);
        LogLoggedIn(log, user.Id, client);
        return new Result(LoginOutcome.LoggedIn, new TokenResponse(access.Token, access.ExpiresAt, refresh));
    }

    // The name is the caller's input: logged for investigations, but bounded.
    private static string Shorten(string username) => username.Length > 64 ? username[..64] + "…" : username;

    [LoggerMessage(EventId = 620, Level = LogLevel.Warning, Message = "Failed login for {Username} from {Client}: {Reason}")]
    private static partial void LogFailed(ILogger log, string username, IPAddress? client, string reason);

    [LoggerMessage(EventId = 621, Level = LogLevel.Warning, Message = "Login for {Username} from {Client} refused: too many failures")]
    private static partial void LogThrottled(ILogger log, string username, IPAddress? client);

    [LoggerMessage(EventId = 623, Level = LogLevel.Information, Message = "Login for {Username} from {Client} held {Seconds} s: the account has many recent failures")]
    private static partial void LogSlowed(ILogger log, string username, IPAddress? client, double seconds);

    [LoggerMessage(EventId = 622, Level = LogLevel.Information, Message = "User {UserId} logged in from {Client}")]
    private static partial void LogLoggedIn(ILogger log, Guid userId, IPAddress? client);
}
