using ZeroLagHub.Api.ReadModels;

namespace ZeroLagHub.Api.Operations;

/// <summary>The answers about projections that the admin routes share.</summary>
internal static class ProjectionProblems
{
    /// <summary>The audit log's target of an action on projection <paramref name="name"/>.</summary>
    public static string Target(string name) => $"projection {name}";

    public static IResult NotFaulted(string name, string action) =>
        TypedResults.Problem($"projection '{name}' is not faulted: nothing to {action}", statusCode: StatusCodes.Status409Conflict);

    public static IResult NoProjection(string name, ReadModelAdmin admin) => TypedResults.Problem(
        $"no projection '{name}'; there are: {string.Join(", ", admin.Names)}", statusCode: StatusCodes.Status404NotFound);
}
