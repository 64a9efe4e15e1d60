using Microsoft.AspNetCore.Http.HttpResults;
using ZeroLagHub.Api.Auth;

namespace ZeroLagHub.Api.Audit;

/// <summary>
/// An admin action's answer in the command log (<see cref="AuditTrail"/>): 2xx accepted, 409 conflict, other 4xx
/// rejected with the problem's detail as reason. A Minimal API endpoint says <c>.Audited(action, target)</c> (an
/// endpoint filter); a Wolverine.Http endpoint records its result itself (<see cref="RecordAsync"/>) before answering.
/// </summary>
/// <remarks>
/// An exception (a 500) leaves no row: it is logged, and whether the action took effect is not known here.
/// Requests refused before the handler (no token, not an admin) are the authentication layer's to log; a body that
/// cannot be read is the body guard's.
/// </remarks>
public static class AuditedEndpoints
{
    /// <param name="target">What the action acts on, from the route and the handler's arguments.</param>
    public static RouteHandlerBuilder Audited(this RouteHandlerBuilder endpoint, string action, Func<EndpointFilterInvocationContext, string> target) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            await RecordAsync(context.HttpContext, action, target(context), result);
            return result;
        });

    /// <summary>Records <paramref name="result"/>, the answer to <paramref name="action"/> on <paramref name="target"/>, for the caller.</summary>
    public static async Task<T> RecordAsync<T>(HttpContext context, string action, string target, T result)
    {
        if (CurrentUser.From(context) is { } user && Outcome(result) is ({ } outcome, var reason))
            await context.RequestServices.GetRequiredService<AuditTrail>().RecordAsync(user, action, null, target, outcome, reason);
        return result;
    }

    /// <summary>The route value <paramref name="name"/> as text (for targets).</summary>
    public static string Route(this EndpointFilterInvocationContext context, string name) =>
        context.HttpContext.Request.RouteValues[name]?.ToString() ?? "";

    private static (string? Outcome, string? Reason) Outcome(object? result)
    {
        while (result is INestedHttpResult nested) result = nested.Result;
        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
        var reason = result switch
        {
            ProblemHttpResult problem => problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title,
            ValidationProblem invalid => string.Join("; ", invalid.ProblemDetails.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")),
            _ => null,
        };
        return status switch
        {
            < 300 => ("accepted", null),
            StatusCodes.Status409Conflict => ("conflict", reason),
            < 500 => ("rejected", reason ?? $"status {status}"),
            _ => (null, null),
        };
    }
}
