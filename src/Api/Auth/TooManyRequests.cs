using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ZeroLagHub.Api.Auth;

/// <summary>A throttled request: 429 with <c>Retry-After</c> in whole seconds (at least 1).</summary>
public static class TooManyRequests
{
    public static ProblemHttpResult Problem(HttpContext context, TimeSpan retryAfter, string title, string what)
    {
        var seconds = (int)Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: title, detail: $"{what}; try again in {seconds} s.");
    }
}
