using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;
using ZeroLagHub.Api.Audit;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Commands;
using ZeroLagHub.Api.Containers;
using ZeroLagHub.Api.Idempotency;

namespace ZeroLagHub.Api.Problems;

/// <summary>
/// The HTTP edge of every route that reads a body, before and around its handler:
/// <list type="number">
/// <item>the body is read into memory up to the route's <see cref="BodyLimit"/> (64 KiB unless it says
/// otherwise); beyond it, 413 without reading more;</item>
/// <item>a NUL character in any string is a 400 naming the field (<see cref="NulCharacters"/>);</item>
/// <item>a body the route cannot bind (malformed JSON, a wrong type, an unknown field, no body, not JSON)
/// is a 400/415 that names the field and never a .NET type (<see cref="UnreadableBody"/>);</item>
/// <item>each of these, sent by a signed-in user, is recorded in the command audit log as rejected, with the
/// reason: here, in the HTTP layer, so it holds whatever runs the handlers.</item>
/// </list>
/// Nothing else is written for such a request: the handler never ran, or stopped at binding.
/// </summary>
/// <remarks>
/// Runs after authentication (the audit row names the user; an anonymous request is only logged, so that
/// nobody can fill the audit table without an account) and after routing (the limit is the endpoint's).
/// NOTE: Kestrel's global MaxRequestBodySize alone was rejected: the framework answers its overrun with an
/// empty 413 that nobody audits, and the IDE's forwarded uploads need no such cap. It is still set per
/// request below, where the server offers it, so a body is never read past the route's limit.
/// </remarks>
public sealed partial class RequestBodyGuard(RequestDelegate next, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    IProblemDetailsService problems, ControlPlaneTransaction audit, NpgsqlDataSource dataSource, TimeProvider time, ILogger<RequestBodyGuard> logger)
{
    private readonly JsonSerializerOptions _json = json.Value.SerializerOptions;

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        var limit = endpoint?.Metadata.GetMetadata<BodyLimit>() ?? BodyLimit.Default;
        if (endpoint is null || limit == BodyLimit.Unlimited || context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true)
        {
            await next(context);
            return;
        }

        var body = await BufferAsync(context, limit.Bytes);
        if (body is null)
        {
            await RefuseAsync(context, endpoint, UnreadableBody.TooLarge(limit.Bytes), null);
            return;
        }
        if (context.Request.HasJsonContentType() && NulCharacters.Find(body.GetBuffer().AsSpan(0, (int)body.Length)) is { } path)
        {
            await IdempotencyKeyCheck.ClaimForRefusedAsync(context, dataSource, time);
            await RefuseAsync(context, endpoint, UnreadableBody.NulCharacter(path), null);
            return;
        }

        try
        {
            await next(context);
            // Routing answers a body of another type than JSON with an empty 415 (its own endpoint, not the
            // route's): say what to send, and audit it.
            if (context.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType && !context.Response.HasStarted)
                await RefuseAsync(context, endpoint, UnreadableBody.NotJson, null);
        }
        catch (BadHttpRequestException bad) when (!context.Response.HasStarted)
        {
            var bodyType = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
            await RefuseAsync(context, endpoint, UnreadableBody.From(bad, bodyType, _json), bad);
        }
    }

    /// <summary>The whole body in memory, or null when it is longer than <paramref name="limit"/> (read no further).</summary>
    private static async Task<MemoryStream?> BufferAsync(HttpContext context, long limit)
    {
        if (context.Request.ContentLength > limit) return null;
        // Where the server offers it (Kestrel), it then stops a lying or chunked body itself.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } max) max.MaxRequestBodySize = limit;

        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        buffer.Position = 0;
        context.Request.Body = buffer;
        context.Response.RegisterForDispose(buffer);
        return buffer;
    }

    private async Task RefuseAsync(HttpContext context, Endpoint endpoint, UnreadableBody refusal, Exception? cause)
    {
        var traceId = Activity.Current?.Id ?? context.TraceIdentifier;
        // The framework's own words (they name .NET types and parameters) are for the operator, with the trace id.
        LogRefused(logger, context.Request.Method, context.Request.Path.Value ?? "", refusal.Status, refusal.Detail, traceId, cause?.Message ?? "");

        var command = endpoint.Metadata.GetMetadata<IdempotentCommand>()?.Name(context)
            ?? $"{context.Request.Method} {(endpoint as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value}";
        if (CurrentUser.From(context) is { } user)
            await audit.AuditAsync(new AuditEntry(CommandResults.CommandId(context, user.Id), time.GetUtcNow(), user.Id,
                user.ClientIp?.ToString(), command, null, "rejected", refusal.Detail), context.RequestAborted);

        var problem = new ProblemDetails
        {
            Status = refusal.Status,
            Title = refusal.Status == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "The request could not be read",
            Detail = refusal.Detail,
        };
        if (refusal.Field is { } field) problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [refusal.Detail] };
        context.Response.StatusCode = refusal.Status;
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Information,
        Message = "{Method} {Path} refused {Status}: {Detail} (trace {TraceId}; {Cause})")]
    private static partial void LogRefused(ILogger logger, string method, string path, int status, string detail, string traceId, string cause);
}
