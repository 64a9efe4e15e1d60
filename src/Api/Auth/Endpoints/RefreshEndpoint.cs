using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;
using ZeroLagHub.Api.Auth.Refresh;
using ZeroLagHub.Api.Auth.Tokens;
using ZeroLagHub.Api.Headers;
using ZeroLagHub.Api.Http;

namespace ZeroLagHub.Api.Auth.Endpoints;

/// <summary><c>POST /api/auth/refresh</c> {refreshToken} → 200 tokens (the presented token is consumed; no-store); 400; 401 (anonymous).</summary>
public static class RefreshEndpoint
{
    public static void Configure(HttpChain chain)
    {
        chain.Metadata.Accepts<AuthApi.RefreshRequest>("application/json");
        chain.WithNoStore();
    }

    [WolverinePost("/api/auth/refresh"), Tags("Auth"), AllowAnonymous]
    [ProducesProblem(401)]
    public static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> Post(HttpContext context,
        RefreshTokens refreshTokens, AccessTokenIssuer accessTokens, CancellationToken ct)
    {
        var body = await JsonRequestBody.ReadRequiredAsync<AuthApi.RefreshRequest>(context);
        if (AuthApi.Invalid(body.RefreshToken) is { } problem) return problem;

        var rotation = await refreshTokens.RotateAsync(body.RefreshToken!, ct);
        if (rotation is not { Outcome: RefreshOutcome.Rotated, User: { } user, Token: { } next })
            // Reuse is not told apart from an unknown token: the caller may be the thief.
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Refresh token refused",
                detail: "The refresh token is unknown, expired, revoked or already used; log in again.");
        var access = accessTokens.Issue(user.Id, user.Username, user.Roles, rotation.SessionId);
        return TypedResults.Ok(new TokenResponse(access.Token, access.ExpiresAt, next));
    }
}
