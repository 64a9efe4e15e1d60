using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using ZeroLagHub.Api.Auth.Accounts;
using ZeroLagHub.Api.Auth.Refresh;

namespace ZeroLagHub.Api.Auth;

/// <summary>
/// Accounts and sessions. The commands are Wolverine.Http endpoints (Auth/Endpoints: register, login, refresh, logout,
/// password; token answers carry <c>Cache-Control: no-store</c>); the one query stays a Minimal API here:
/// <c>GET /api/auth/me</c> → the caller's account.
/// </summary>
public static class AuthApi
{
    public sealed record Credentials(string? Username, string? Password);
    public sealed record RefreshRequest(string? RefreshToken);
    public sealed record PasswordChange(string? CurrentPassword, string? NewPassword);

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/auth").WithTags("Auth").MapGet("/me", Me);
        return routes;
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> Me(CurrentUser user, NpgsqlDataSource db, CancellationToken ct) =>
        await FindUserById.ExecuteAsync(db, user.Id, ct) is { } account
            ? TypedResults.Ok(UserResponse.From(account))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such account",
                detail: "The account this token was issued to no longer exists.");

    /// <summary>A field error when <paramref name="refreshToken"/> cannot be one (missing, or longer than any issued); else null.</summary>
    public static ValidationProblem? Invalid(string? refreshToken) =>
        string.IsNullOrEmpty(refreshToken) || refreshToken.Length > RefreshTokenValue.MaxLength
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["refreshToken"] = ["required: the refreshToken from login or refresh"] })
            : null;
}
