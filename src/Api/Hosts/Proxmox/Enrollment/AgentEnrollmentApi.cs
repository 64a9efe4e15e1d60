using Microsoft.AspNetCore.Http.HttpResults;

namespace ZeroLagHub.Api.Hosts.Proxmox.Enrollment;

/// <summary>
/// <c>POST /api/agents/enroll</c>: a new container's first-boot script trades its one-time enrollment
/// token for the agent token. Anonymous: the enrollment token is the credential.
/// </summary>
public static class AgentEnrollmentApi
{
    public static IEndpointRouteBuilder MapAgentEnrollment(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/agents/enroll", Enroll).AllowAnonymous();
        return routes;
    }

    public sealed record EnrollRequest(Guid ContainerId, string? EnrollmentToken);

    public sealed record EnrollResponse(Guid ContainerId, string AgentToken);

    private static Results<Ok<EnrollResponse>, ProblemHttpResult, ValidationProblem> Enroll(EnrollRequest? request, AgentEnrollment enrollment)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null || request.ContainerId == Guid.Empty) errors["containerId"] = ["The container id (a UUID) from /etc/zlh/enrollment.json is required."];
        if (string.IsNullOrWhiteSpace(request?.EnrollmentToken)) errors["enrollmentToken"] = ["The enrollment token from /etc/zlh/enrollment.json is required."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var redemption = enrollment.Redeem(request!.ContainerId, request.EnrollmentToken!);
        return redemption.Failure switch
        {
            null => TypedResults.Ok(new EnrollResponse(request.ContainerId, redemption.AgentToken!)),
            EnrollmentFailure.Unknown => TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unknown enrollment token",
                detail: "This token was not issued for this container, or a newer one replaced it. Re-run the deployment to issue a new one."),
            EnrollmentFailure.Expired => TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Enrollment token expired",
                detail: "The token's time to live has passed. Re-run the deployment to issue a new one."),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Enrollment token already used",
                detail: "This token was already exchanged. If this container did not do it, someone else saw the token: delete the container and investigate."),
        };
    }
}
