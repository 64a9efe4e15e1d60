using Microsoft.AspNetCore.Http.HttpResults;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Auth.Tokens;
using ZeroLagHub.Api.Headers;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Api.Status.Stream;

/// <summary>
/// Live status of the caller's containers (an admin's: everyone's) as Server-Sent Events:
/// <list type="bullet">
/// <item><c>POST /api/servers/status/stream-token</c> → {token, expiresAt, url}: 60 s, for <c>EventSource</c>, which cannot send headers.</item>
/// <item><c>GET /api/servers/status/stream[?token=][&amp;lastEventId=]</c> with that token or an access token (Authorization
/// header): see <see cref="StatusStream"/>. 400 for a malformed Last-Event-ID, 401 without a valid credential.</item>
/// </list>
/// </summary>
/// <remarks>
/// The stream token is not single-use, unlike the IDE and console tokens: <c>EventSource</c> reconnects to the
/// same URL by itself, so the token must survive its reconnects. It is scoped instead: its type opens this
/// stream and nothing else, it reads status only, and it expires within a minute. After that a client gets a
/// new one and resumes with <c>?lastEventId=</c> (a new <c>EventSource</c> cannot set the header).
/// </remarks>
public static class StatusStreamApi
{
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(60);

    public static IEndpointRouteBuilder MapStatusStreamApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/servers/status").WithTags("Status");
        group.MapPost("/stream-token", IssueToken).WithNoStore();
        // Anonymous to the access-token policy: the handler accepts a stream token too, and checks both itself.
        group.MapGet("/stream", StreamAsync).AllowAnonymous().Produces<string>(StatusCodes.Status200OK, "text/event-stream");
        return routes;
    }

    private static Ok<StatusStreamTokenResponse> IssueToken(CurrentUser user, TokenService tokens)
    {
        var issued = tokens.Issue(TokenTypes.Sse, user.Id.ToString(), TokenLifetime, user.ToTokenClaims());
        return TypedResults.Ok(new StatusStreamTokenResponse(issued.Token, issued.ExpiresAt,
            $"/api/servers/status/stream?token={Uri.EscapeDataString(issued.Token)}"));
    }

    private static async Task StreamAsync(HttpContext context, string? token, string? lastEventId, TokenService tokens,
        StatusStream stream, IHostApplicationLifetime lifetime)
    {
        var user = token is null ? CurrentUser.From(context) : await FromStreamTokenAsync(tokens, token, context);
        if (user is null)
        {
            await Problem(401, "Authentication required",
                "send an access token as 'Authorization: Bearer <token>', or ?token= from POST /api/servers/status/stream-token (valid 60 s)")
                .ExecuteAsync(context);
            return;
        }

        var resumeFrom = lastEventId ?? context.Request.Headers["Last-Event-ID"].FirstOrDefault();
        StatusCursor? resume = null;
        if (!string.IsNullOrEmpty(resumeFrom))
        {
            if (!StatusCursor.TryParse(resumeFrom, out var cursor))
            {
                await Problem(400, "Bad Last-Event-ID", $"'{resumeFrom}' is not an id this stream sent (they look like 1234-5678); omit it for a fresh snapshot")
                    .ExecuteAsync(context);
                return;
            }
            resume = cursor;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        try
        {
            await stream.RunAsync(context.Response, user.IsAdmin ? null : user.Id, resume, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client left or the node is stopping: the client reconnects with its Last-Event-ID.
        }
    }

    private static async Task<CurrentUser?> FromStreamTokenAsync(TokenService tokens, string token, HttpContext context)
    {
        var check = await tokens.ValidateAsync(token, TokenTypes.Sse);
        if (!check.IsValid || !Guid.TryParse(check.Subject, out var id)) return null;
        return CurrentUser.FromToken(id, check.Identity, context.Connection.RemoteIpAddress);
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(detail, statusCode: status, title: title);
}
