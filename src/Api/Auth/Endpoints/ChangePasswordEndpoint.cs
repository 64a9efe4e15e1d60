using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using Wolverine.Http;
using ZeroLagHub.Api.Auth.Accounts;
using ZeroLagHub.Api.Auth.Login;
using ZeroLagHub.Api.Auth.Sessions;
using ZeroLagHub.Api.Auth.Tokens;
using ZeroLagHub.Api.Http;
using ZeroLagHub.Api.Ide.Sessions;

namespace ZeroLagHub.Api.Auth.Endpoints;

/// <summary><c>POST /api/auth/password</c> {currentPassword, newPassword} → 204, every session of the account ended; 400; 404; 429.</summary>
/// <remarks>
/// A wrong current password counts as a failed login of the account from the caller's address (a stolen access
/// token must not become a way around the login throttle). Every session ends, this one too: whoever knew the old
/// password may hold one. The client logs in again with the new password.
/// </remarks>
public static class ChangePasswordEndpoint
{
    public static void Configure(HttpChain chain) => chain.Metadata.Accepts<AuthApi.PasswordChange>("application/json");

    [WolverinePost("/api/auth/password"), Tags("Auth")]
    [ProducesProblem(404), ProducesProblem(429)]
    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Post(HttpContext context, NpgsqlDataSource db,
        IPasswordHasher<UserAccount> hasher, LoginThrottle throttle, SessionRevocations sessions, IdeSessions ideSessions, TimeProvider clock,
        CancellationToken ct)
    {
        var user = CurrentUser.Of(context);
        var body = await JsonRequestBody.ReadRequiredAsync<AuthApi.PasswordChange>(context);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(body.CurrentPassword)) errors["currentPassword"] = ["required"];
        else if (body.CurrentPassword.Length > AccountRules.MaxPasswordLength) errors["currentPassword"] = [$"at most {AccountRules.MaxPasswordLength} characters"];
        if (await FindUserById.ExecuteAsync(db, user.Id, ct) is not { Disabled: false } account)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such account",
                detail: "The account this token was issued to no longer exists or is disabled.");
        if (AccountRules.Check(account.Username, body.NewPassword).TryGetValue("password", out var weak)) errors["newPassword"] = weak;
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        if (throttle.TryBegin(account.Username, context.Connection.RemoteIpAddress, out var attempt, out var delay) is { } wait)
            return TooManyRequests.Problem(context, wait, "Too many failed logins", "Too many wrong passwords for this account from this address");
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
}
