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
        if (context.GetEndpoint()?.Metadata.GetMetadata<IdempotentCommand>() is not { } command
            || string.IsNullOrEmpty(context.Request.Headers[KeyReused.Header])
            || CurrentUser.From(context) is not { } user)
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
}
