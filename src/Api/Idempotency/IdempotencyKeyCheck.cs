using Npgsql;
using ZeroLagHub.Api.Audit;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Commands;
using ZeroLagHub.Api.Containers;

namespace ZeroLagHub.Api.Idempotency;

/// <summary>
/// Binds each <c>Idempotency-Key</c> of an <see cref="IdempotentCommand"/> endpoint to the first request sent
/// with it, and refuses the key on any other request (422) before the endpoint runs. The same request again
/// goes on to the endpoint, whose handler answers an accepted command's repeat with the first answer.
/// </summary>
/// <remarks>
/// Middleware, not an endpoint filter: a request refused before its handler (a body that does not bind) still
/// uses up its key, and filters run only after binding. Runs after authorization: keys are per user, and an
/// unauthenticated request claims nothing.
/// </remarks>
public sealed class IdempotencyKeyCheck(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, NpgsqlDataSource dataSource, ControlPlaneTransaction writer, TimeProvider time)
    {
        if (Keyed(context) is not var (command, user))
        {
            await next(context);
            return;
        }

        var ct = context.RequestAborted;
        var commandId = CommandResults.CommandId(context, user.Id);
        var request = await RequestFingerprint.OfAsync(context, ct);
        var first = await ClaimIdempotencyKey.ExecuteAsync(dataSource, commandId, user.Id, request, time.GetUtcNow(), ct);
        if (first.Hash.AsSpan().SequenceEqual(request.Hash))
        {
            await next(context);
            return;
        }

        var reason = KeyReused.Reason(first.Request);
        var container = Guid.TryParse(context.Request.RouteValues["id"]?.ToString(), out var id) ? id : (Guid?)null;
        await writer.AuditAsync(new AuditEntry(commandId, time.GetUtcNow(), user.Id, user.ClientIp?.ToString(), command.Name(context),
            container, "rejected", reason), ct);
        await KeyReused.Problem(reason).ExecuteAsync(context);
    }

    /// <summary>
    /// Binds the key of a request refused before this check ran (its body was read, and held a NUL), so that
    /// the key cannot be used afterwards for another request either.
    /// </summary>
    public static async Task ClaimForRefusedAsync(HttpContext context, NpgsqlDataSource dataSource, TimeProvider time)
    {
        if (Keyed(context) is not var (_, user)) return;
        var ct = context.RequestAborted;
        await ClaimIdempotencyKey.ExecuteAsync(dataSource, CommandResults.CommandId(context, user.Id), user.Id,
            await RequestFingerprint.OfAsync(context, ct), time.GetUtcNow(), ct);
    }

    /// <summary>An <see cref="IdempotentCommand"/> route, sent with a key by a signed-in user; else null.</summary>
    private static (IdempotentCommand Command, CurrentUser User)? Keyed(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IdempotentCommand>() is { } command
        && !string.IsNullOrEmpty(context.Request.Headers[KeyReused.Header])
        && CurrentUser.From(context) is { } user
            ? (command, user)
            : null;
}
