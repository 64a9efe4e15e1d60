using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using Wolverine.Http;
using ZeroLagHub.Api.Auth.Accounts;
using ZeroLagHub.Api.Auth.Registration;
using ZeroLagHub.Api.Http;

namespace ZeroLagHub.Api.Auth.Endpoints;

/// <summary><c>POST /api/auth/register</c> {username, password} → 201 user; 400 field errors; 409 name taken; 429 + Retry-After (anonymous).</summary>
public static class RegisterEndpoint
{
    public static void Configure(HttpChain chain) => chain.Metadata.Accepts<AuthApi.Credentials>("application/json");

    [WolverinePost("/api/auth/register"), Tags("Auth"), AllowAnonymous]
    [ProducesProblem(409), ProducesProblem(429)]
    public static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> Post(HttpContext context,
        NpgsqlDataSource db, IPasswordHasher<UserAccount> hasher, RegistrationThrottle throttle, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonRequestBody.ReadRequiredAsync<AuthApi.Credentials>(context);
        var errors = AccountRules.Check(body.Username, body.Password);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (throttle.TryBegin(context.Connection.RemoteIpAddress) is { } wait)
            return TooManyRequests.Problem(context, wait, "Too many registrations", "Too many accounts were registered from this address");

        var user = new UserAccount(Guid.CreateVersion7(), body.Username!, "", [Role.User], clock.GetUtcNow(), false);
        user = user with { PasswordHash = hasher.HashPassword(user, body.Password!) };
        if (!await InsertUser.ExecuteAsync(db, user, ct))
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Username taken",
                detail: $"An account named '{body.Username}' already exists (names are case-insensitive); choose another.");
        return TypedResults.Created((string?)null, UserResponse.From(user));
    }
}
