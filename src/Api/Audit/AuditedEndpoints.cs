using Microsoft.AspNetCore.Http.HttpResults;
using ZeroLagHub.Api.Auth;

namespace ZeroLagHub.Api.Audit;

/// <summary>
/// An admin action's answer in the command log (<see cref="AuditTrail"/>): 2xx accepted, 409 conflict, other 4xx
/// rejected with the problem's detail as reason. Its Wolverine.Http endpoint records its result (<see cref="RecordAsync"/>)
/// before answering.
/// </summary>
/// <remarks>
/// An exception (a 500) leaves no row: it is logged, and whether the action took effect is not known here.
/// Requests refused before the handler (no token, not an admin) are the authentication layer's to log; a body that
/// cannot be read is the body guard's.
/// </remarks>
public static class AuditedEndpoints
{
    /// <summary>Records <paramref name="result"/>, the answer to <paramref name="action"/> on <paramref name="target"/>, for the caller.</summary>
    /// <param name="target">What the action acts on, from the route and the body.</param>
    public static async Task<T> RecordAsync<T>(HttpContext context, string action, string target, T result)
    {
        if (CurrentUser.From(context) is { } user && Outcome(result) is ({ } outcome, var reason))
            await context.RequestServices.GetRequiredService<AuditTrail>().RecordAsync(user, action, null, target, outcome, reason);
        return result;
    }

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
