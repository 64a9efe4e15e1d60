using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;
using ZeroLagHub.Api.Auth.Accounts;
using ZeroLagHub.Api.Auth.Login;
using ZeroLagHub.Api.Headers;
using ZeroLagHub.Api.Http;

namespace ZeroLagHub.Api.Auth.Endpoints;

/// <summary><c>POST /api/auth/login</c> {username, password} → 200 tokens (no-store); 400; 401; 429 + Retry-After (anonymous).</summary>
public static class LoginEndpoint
{
    public static void Configure(HttpChain chain)
    {
        chain.Metadata.Accepts<AuthApi.Credentials>("application/json");
        chain.WithNoStore();
    }

    [WolverinePost("/api/auth/login"), Tags("Auth"), AllowAnonymous]
    [ProducesProblem(401), ProducesProblem(429)]
    public static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> Post(HttpContext context, LoginHandler handler,
        CancellationToken ct)
    {
        var body = await JsonRequestBody.ReadRequiredAsync<AuthApi.Credentials>(context);
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
                return TooManyRequests.Problem(context, result.RetryAfter, "Too many failed logins",
                    "Too many failed logins from this address (for this account, or for any)");
            default:
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Login failed",
                    detail: "Wrong username or password.");
        }
    }
}
