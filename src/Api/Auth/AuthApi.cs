using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using ZeroLagHub.Api.Auth.Accounts;
using ZeroLagHub.Api.Auth.Login;
using ZeroLagHub.Api.Auth.Refresh;
using ZeroLagHub.Api.Auth.Tokens;
using ZeroLagHub.Api.Ide.Sessions;

namespace ZeroLagHub.Api.Auth;

/// <summary>
/// Accounts and sessions:
/// <list type="bullet">
/// <item><c>POST /api/auth/register</c> {username, password} → 201 user; 400 field errors; 409 name taken (anonymous)</item>
/// <item><c>POST /api/auth/login</c> {username, password} → 200 tokens; 401; 429 + Retry-After (anonymous)</item>
/// <item><c>POST /api/auth/refresh</c> {refreshToken} → 200 tokens (the presented token is consumed); 401 (anonymous)</item>
/// <item><c>POST /api/auth/logout</c> {refreshToken} → 204, the session's refresh tokens and the user's IDE sessions revoked</item>
/// <item><c>GET /api/auth/me</c> → the caller's account</item>
/// </list>
/// </summary>
public static class AuthApi
{
    public sealed record Credentials(string? Username, string? Password);
    public sealed record RefreshRequest(string? RefreshToken);

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/auth").WithTags("Auth");
        api.MapPost("/register", Register).AllowAnonymous();
        api.MapPost("/login", LogIn).AllowAnonymous();
        api.MapPost("/refresh", Refresh).AllowAnonymous();
        api.MapPost("/logout", LogOut);
        api.MapGet("/me", Me);
        return routes;
    }

    private static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> Register(
        Credentials body, NpgsqlDataSource db, IPasswordHasher<UserAccount> hasher, TimeProvider clock, CancellationToken ct)
    {
        var errors = AccountRules.Check(body.Username, body.Password);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

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
                var seconds = (int)Math.Ceiling(Math.Max(1, result.RetryAfter.TotalSeconds));
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many failed logins",
                    detail: $"Too many failed logins for this account or address; try again in {seconds} s.");
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
        var access = accessTokens.Issue(user.Id, user.Username, user.Roles);
        return TypedResults.Ok(new TokenResponse(access.Token, access.ExpiresAt, next));
    }

    private static async Task<Results<NoContent, ValidationProblem>> LogOut(
        RefreshRequest body, CurrentUser user, RefreshTokens refreshTokens, IdeSessions ideSessions, CancellationToken ct)
    {
        if (Invalid(body.RefreshToken) is { } problem) return problem;
        await refreshTokens.RevokeAsync(body.RefreshToken!, user.Id, ct);
        await ideSessions.RevokeForUserAsync(user.Id, ct);
        return TypedResults.NoContent();
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
