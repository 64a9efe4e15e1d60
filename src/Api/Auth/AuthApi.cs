using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Npgsql;
using ZeroLagHub.Api.Auth.Accounts;
using ZeroLagHub.Api.Auth.Login;
using ZeroLagHub.Api.Auth.Refresh;
using ZeroLagHub.Api.Auth.Registration;
using ZeroLagHub.Api.Auth.Sessions;
using ZeroLagHub.Api.Auth.Tokens;
using ZeroLagHub.Api.Headers;
using ZeroLagHub.Api.Ide.Sessions;

namespace ZeroLagHub.Api.Auth;

/// <summary>
/// Accounts and sessions:
/// <list type="bullet">
/// <item><c>POST /api/auth/register</c> {username, password} → 201 user; 400 field errors; 409 name taken; 429 + Retry-After (anonymous)</item>
/// <item><c>POST /api/auth/login</c> {username, password} → 200 tokens; 401; 429 + Retry-After (anonymous)</item>
/// <item><c>POST /api/auth/refresh</c> {refreshToken} → 200 tokens (the presented token is consumed); 401 (anonymous)</item>
/// <item><c>POST /api/auth/logout</c> [{refreshToken}] → 204: the access token's session ends (and the body's token's, if the
/// caller's), its access tokens refused on every node from then on, and the user's IDE sessions revoked</item>
/// <item><c>POST /api/auth/password</c> {currentPassword, newPassword} → 204, every session of the account ended; 400; 429</item>
/// <item><c>GET /api/auth/me</c> → the caller's account</item>
/// </list>
/// Token answers carry <c>Cache-Control: no-store</c>.
/// </summary>
public static class AuthApi
{
    public sealed record Credentials(string? Username, string? Password);
    public sealed record RefreshRequest(string? RefreshToken);
    public sealed record PasswordChange(string? CurrentPassword, string? NewPassword);

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/auth").WithTags("Auth");
        api.MapPost("/register", Register).AllowAnonymous();
        api.MapPost("/login", LogIn).AllowAnonymous().WithNoStore();
        api.MapPost("/refresh", Refresh).AllowAnonymous().WithNoStore();
        api.MapPost("/logout", LogOut);
        api.MapPost("/password", ChangePassword);
        api.MapGet("/me", Me);
        return routes;
    }

    private static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> Register(
        Credentials body, NpgsqlDataSource db, IPasswordHasher<UserAccount> hasher, RegistrationThrottle throttle, HttpContext context,
        TimeProvider clock, CancellationToken ct)
    {
        var errors = AccountRules.Check(body.Username, body.Password);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (throttle.TryBegin(context.Connection.RemoteIpAddress) is { } wait)
            return TooMany(context, wait, "Too many registrations", "Too many accounts were registered from this address");

        var user = new UserAccount(Guid.CreateVersion7(), body.Username!, "", [Role.User], clock.GetUtcNow(), false);
        user = user with { PasswordHash = hasher.HashPassword(user, body.Password!) };
        if (!await InsertUser.ExecuteAsync(db, user, ct))
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Username taken",
                detail: $"An account named '{body.Username}' already exists (names are case-insensitive); choose another.");
        return TypedResults.Created((string?)null, UserResponse.From(user));
    }

    private static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> LogIn(
        Credentials body, LoginHandler handler, HttpContext context, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(body.Username)) errors["username"] = ["required"];
        else if (body.Username.Length > AccountRules.MaxUsernameLength) errors["username"] = [$"at most {AccountRules.MaxUsernameLength} characters"];
        if (string.IsNullOrEmpty(body.Password)) errors["password"] = ["required"];
        else if (body.Password.Length > AccountRules.MaxPasswordLength) errors["password"] = [$"at most {AccountRules.MaxPasswordLength} characters"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var result = await handler.HandleAsync(body.Username!, body.Password!, context.Connection.RemoteIpAddress, ct);
        switch (result.Outcome)
        {
            case LoginOutcome.LoggedIn:
                return TypedResults.Ok(result.Tokens);
            case LoginOutcome.Throttled:
                return TooMany(context, result.RetryAfter, "Too many failed logins", "Too many failed logins from this address (for this account, or for any)");
            default:
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Login failed",
                    detail: "Wrong username or password.");
        }
    }

    private static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> Refresh(
        RefreshRequest body, RefreshTokens refreshTokens, AccessTokenIssuer accessTokens, CancellationToken ct)
    {
        if (Invalid(body.RefreshToken) is { } problem) return problem;

        var rotation = await refreshTokens.RotateAsync(body.RefreshToken!, ct);
        if (rotation is not { Outcome: RefreshOutcome.Rotated, User: { } user, Token: { } next })
            // Reuse is not told apart from an unknown token: the caller may be the thief.
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Refresh token refused",
                detail: "The refresh token is unknown, expired, revoked or already used; log in again.");
        var access = accessTokens.Issue(user.Id, user.Username, user.Roles, rotation.SessionId);
        return TypedResults.Ok(new TokenResponse(access.Token, access.ExpiresAt, next));
    }

    /// <remarks>
    /// The body is optional: the access token names its session. A refresh token in the body ends its session too
    /// when it is the caller's (a client holding tokens of two sessions); someone else's changes nothing.
    /// </remarks>
    private static async Task<Results<NoContent, ValidationProblem>> LogOut(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RefreshRequest? body, CurrentUser user, HttpContext context,
        RefreshTokens refreshTokens, SessionRevocations sessions, IdeSessions ideSessions, CancellationToken ct)
    {
        if (body?.RefreshToken is { } token && Invalid(token) is { } problem) return problem;
        var ended = new List<Guid>();
        if (Guid.TryParse(context.User.FindFirstValue(TokenClaims.Session), out var current)) ended.Add(current);
        if (body?.RefreshToken is { } other && await refreshTokens.FindSessionAsync(other, user.Id, ct) is { } session) ended.Add(session);
        await sessions.EndAsync(user.Id, ended, ct);
        await ideSessions.RevokeForUserAsync(user.Id, ct);
        return TypedResults.NoContent();
    }

    /// <remarks>
    /// A wrong current password counts as a failed login of the account from the caller's address (a stolen access
    /// token must not become a way around the login throttle). Every session ends, this one too: whoever knew the old
    /// password may hold one. The client logs in again with the new password.
    /// </remarks>
    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePassword(
        PasswordChange body, CurrentUser user, HttpContext context, NpgsqlDataSource db, IPasswordHasher<UserAccount> hasher,
        LoginThrottle throttle, SessionRevocations sessions, IdeSessions ideSessions, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(body.CurrentPassword)) errors["currentPassword"] = ["required"];
        else if (body.CurrentPassword.Length > AccountRules.MaxPasswordLength) errors["currentPassword"] = [$"at most {AccountRules.MaxPasswordLength} characters"];
        if (await FindUserById.ExecuteAsync(db, user.Id, ct) is not { Disabled: false } account)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such account",
                detail: "The account this token was issued to no longer exists or is disabled.");
        if (AccountRules.Check(account.Username, body.NewPassword).TryGetValue("password", out var weak)) errors["newPassword"] = weak;
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        if (throttle.TryBegin(account.Username, context.Connection.RemoteIpAddress, out var attempt, out var delay) is { } wait)
            return TooMany(context, wait, "Too many failed logins", "Too many wrong passwords for this account from this address");
        if (delay > TimeSpan.Zero) await Task.Delay(delay, clock, ct);
        if (hasher.VerifyHashedPassword(account, account.PasswordHash, body.CurrentPassword!) is PasswordVerificationResult.Failed)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["currentPassword"] = ["wrong password"] });
        throttle.Succeeded(attempt);

        await SetUserPassword.ExecuteAsync(db, account.Id, hasher.HashPassword(account, body.NewPassword!), ct);
        await sessions.EndAllAsync(account.Id, ct);
        // The caller's own session too, should it have no live refresh token left to list it.
        if (Guid.TryParse(context.User.FindFirstValue(TokenClaims.Session), out var current)) await sessions.EndAsync(account.Id, [current], ct);
        await ideSessions.RevokeForUserAsync(account.Id, ct);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult TooMany(HttpContext context, TimeSpan retryAfter, string title, string what)
    {
        var seconds = (int)Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: title, detail: $"{what}; try again in {seconds} s.");
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> Me(CurrentUser user, NpgsqlDataSource db, CancellationToken ct) =>
        await FindUserById.ExecuteAsync(db, user.Id, ct) is { } account
            ? TypedResults.Ok(UserResponse.From(account))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such account",
                detail: "The account this token was issued to no longer exists.");

    private static ValidationProblem? Invalid(string? refreshToken) =>
        string.IsNullOrEmpty(refreshToken) || refreshToken.Length > RefreshTokenValue.MaxLength
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["refreshToken"] = ["required: the refreshToken from login or refresh"] })
            : null;
}
