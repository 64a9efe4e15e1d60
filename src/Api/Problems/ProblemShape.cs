namespace ZeroLagHub.Api.Problems;

/// <summary>
/// What every problem+json answer carries beyond its status: the request's trace id (the exception, .NET types and
/// host paths are in the log under it, never in the answer), and for invalid input a title and detail a person can
/// act on, where ASP.NET's default says only "One or more validation errors occurred.".
/// </summary>
public static class ProblemShape
{
    public const string InvalidInputTitle = "Invalid request";

    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Extensions.TryAdd("traceId", System.Diagnostics.Activity.Current?.Id ?? context.HttpContext.TraceIdentifier);
        if (problem is not HttpValidationProblemDetails { Errors.Count: > 0 } invalid || problem.Title != DefaultValidationTitle) return;
        invalid.Title = InvalidInputTitle;
        // "username: required; password: at least 12 characters": the sentence the CLI and the portal show as well.
        invalid.Detail ??= string.Join("; ", invalid.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"));
    }

    private static readonly string DefaultValidationTitle = new HttpValidationProblemDetails().Title!;
}
