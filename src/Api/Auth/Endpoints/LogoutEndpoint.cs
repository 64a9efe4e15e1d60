using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;
using ZeroLagHub.Api.Auth.Refresh;
using ZeroLagHub.Api.Auth.Sessions;
using ZeroLagHub.Api.Auth.Tokens;
using ZeroLagHub.Api.Http;
using ZeroLagHub.Api.Ide.Sessions;

namespace ZeroLagHub.Api.Auth.Endpoints;

/// <summary>
/// <c>POST /api/auth/logout</c> [{refreshToken}] → 204: the access token's session ends (and the body's token's, if the
/// caller's), its access tokens refused on every node from then on, and the user's IDE sessions revoked.
/// </summary>
/// <remarks>
/// The body is optional: the access token names its session. A refresh token in the body ends its session too
/// when it is the caller's (a client holding tokens of two sessions); someone else's changes nothing.
/// </remarks>
public static class LogoutEndpoint
{
    public static void Configure(HttpChain chain) => chain.Metadata.Accepts<AuthApi.RefreshRequest>(isOptional: true, "application/json");

    [WolverinePost("/api/auth/logout"), Tags("Auth")]
    public static async Task<Results<NoContent, ValidationProblem>> Post(HttpContext context, RefreshTokens refreshTokens,
        SessionRevocations sessions, IdeSessions ideSessions, CancellationToken ct)
    {
        var user = CurrentUser.Of(context);
        var body = await JsonRequestBody.ReadAsync<AuthApi.RefreshRequest>(context);
        if (body?.RefreshToken is { } token && AuthApi.Invalid(token) is { } problem) return problem;
        var ended = new List<Guid>();
        if (Guid.TryParse(context.User.FindFirstValue(TokenClaims.Session), out var current)) ended.Add(current);
        if (body?.RefreshToken is { } other && await refreshTokens.FindSessionAsync(other, user.Id, ct) is { } session) ended.Add(session);
        await sessions.EndAsync(user.Id, ended, ct);
        await ideSessions.RevokeForUserAsync(user.Id, ct);
        return TypedResults.NoContent();
    }
}
