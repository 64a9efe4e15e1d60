using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ZeroLagHub.Api.Problems;

/// <summary>
/// A request the framework could not bind outside <see cref="RequestBodyGuard"/> (an unparsable query or
/// route parameter of a route without a body) answers 400 problem+json that says what to fix, in the
/// words of <see cref="UnreadableBody"/>: the parameter, never its .NET type. Binding failures are thrown
/// for this handler to catch (RouteHandlerOptions.ThrowOnBadRequest); nothing has run yet, so nothing was written.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad) return false;
        var refusal = UnreadableBody.From(bad, http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType, json.Value.SerializerOptions);
        http.Response.StatusCode = refusal.Status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = refusal.Status, Title = "The request could not be read", Detail = refusal.Detail },
        });
    }
}
