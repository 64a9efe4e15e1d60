using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Auth.SingleUse;
using ZeroLagHub.Api.Auth.Tokens;
using ZeroLagHub.Api.Containers;
using ZeroLagHub.Api.Headers;
using ZeroLagHub.Api.Problems;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Ide;

/// <summary>
/// The browser IDE (code-server in a dev container, reached through its agent):
/// <list type="bullet">
/// <item><c>POST /api/dev/{id}/ide-token</c> → 200 {token, expiresAt, url}: single use, 300 s; 404 not yours; 409 game container or code-server not running</item>
/// <item><c>/api/dev/{id}/ide</c> → 307 to <c>ide/</c>; <c>/api/dev/{id}/ide/{**rest}</c> (any method, WebSockets too) → the IDE, see <see cref="IdeGate"/></item>
/// <item>host mode (<see cref="IdeOptions.HostPattern"/>): every request to <c>{id}.ide.…</c> → the IDE at <c>/</c></item>
/// </list>
/// </summary>
public static class IdeApi
{
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(300);

    public static IEndpointRouteBuilder MapIdeApi(this IEndpointRouteBuilder routes)
    {
        var dev = routes.MapGroup("/api/dev/{id:guid}").WithTags("IDE");
        dev.MapPost("/ide-token", IssueToken).WithNoStore();
        // Anonymous to the access-token policy: the IDE has credentials of its own (IdeGate).
        dev.Map("/ide/{**rest}", (Guid id, HttpContext context, IdeProxy proxy) => proxy.ServeAsync(context, id, $"/api/dev/{id}/ide"))
            .AllowAnonymous().WithBodyLimit(BodyLimit.Unlimited);
        return routes;
    }

    /// <summary>
    /// Host mode: a request whose Host matches the pattern is the IDE, whatever its path, so the IDE's origin
    /// serves nothing of the API. Placed before authentication; a no-op when no pattern is configured.
    /// </summary>
    public static IApplicationBuilder UseIdeHostMode(this IApplicationBuilder app)
    {
        var pattern = app.ApplicationServices.GetRequiredService<IdeHostPatternHolder>().Pattern;
        if (pattern is null) return app;
        return app.Use(async (context, next) =>
        {
            if (pattern.TryMatch(context.Request.Host, out var id))
                await context.RequestServices.GetRequiredService<IdeProxy>().ServeAsync(context, id, default);
            else await next(context);
        });
    }

    private static async Task<Results<Ok<IdeTokenResponse>, ProblemHttpResult>> IssueToken(
        Guid id, CurrentUser user, HttpContext http, NpgsqlDataSource db, ContainerTokens tokens, IdeHostPatternHolder hostMode, CancellationToken ct)
    {
        var container = await ContainerAccess.FindAsync(db, id, ct);
        if (container is null || !container.IsOpenTo(user))
            return TypedResults.Problem("no such container (or not yours)", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        if (container.Kind != ContainerKind.Dev)
            return TypedResults.Problem("this is a game server: it has no IDE; use its console (GET /api/servers/{id}/console)",
                statusCode: StatusCodes.Status409Conflict, title: "Not a dev container");
        if (container.Lifecycle != ContainerLifecycle.Ready || !container.CodeServerRunning)
            return TypedResults.Problem(
                $"code-server is not running (container {container.Lifecycle.ToString().ToLowerInvariant()}); start it with POST /api/servers/{id}/code-server/start",
                statusCode: StatusCodes.Status409Conflict, title: "IDE not running");

        var issued = tokens.Issue(TokenTypes.DevIde, user, container, TokenLifetime);
        var query = "?token=" + Uri.EscapeDataString(issued.Token);
        var url = hostMode.Pattern is { } pattern
            ? $"{http.Request.Scheme}://{pattern.HostFor(id)}{(http.Request.Host.Port is { } port ? $":{port}" : "")}/{query}"
            : $"/api/dev/{id}/ide/{query}";
        return TypedResults.Ok(new IdeTokenResponse(issued.Token, issued.ExpiresAt, url));
    }
}
