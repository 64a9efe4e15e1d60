using Microsoft.AspNetCore.Http.HttpResults;
using ZeroLagHub.Api.Artifacts;

namespace ZeroLagHub.Api.Hosts.Proxmox.Enrollment;

/// <summary>
/// <c>POST /api/agents/enroll</c>: a new container's first-boot script trades its one-time enrollment
/// token for the agent token. Anonymous: the enrollment token is the credential. The answer also
/// carries the agent's artifact server and token, so the golden template holds no per-deployment secret.
/// </summary>
public static class AgentEnrollmentApi
{
    public static IEndpointRouteBuilder MapAgentEnrollment(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/agents/enroll", Enroll).AllowAnonymous();
        return routes;
    }

    /// <summary>Far above an issued token's length; anything longer is not one of ours.</summary>
    private const int MaxTokenLength = 256;

    public sealed record EnrollRequest(Guid ContainerId, string? EnrollmentToken);

    /// <param name="ArtifactServer">Where the agent fetches runtimes and addons (<c>ZLH_AGENT_ARTIFACTSERVER</c>).</param>
    /// <param name="ArtifactToken">The agent's credential there (<c>ZLH_AGENT_ARTIFACTTOKEN</c>); a secret like the agent token.</param>
    public sealed record EnrollResponse(Guid ContainerId, string AgentToken, string ArtifactServer, string ArtifactToken);

    private static async Task<Results<Ok<EnrollResponse>, ProblemHttpResult, ValidationProblem>> Enroll(EnrollRequest? request,
        AgentEnrollment enrollment, ArtifactTokens artifacts, ProxmoxHostOptions options, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null || request.ContainerId == Guid.Empty) errors["containerId"] = ["The container id (a UUID) from /etc/zlh/enrollment.json is required."];
        if (string.IsNullOrWhiteSpace(request?.EnrollmentToken) || request.EnrollmentToken.Length > MaxTokenLength)
            errors["enrollmentToken"] = ["The enrollment token from /etc/zlh/enrollment.json is required."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var id = request!.ContainerId;
        var redemption = await enrollment.RedeemAsync(id, request.EnrollmentToken!, ct);
        return redemption.Failure switch
        {
            null => TypedResults.Ok(new EnrollResponse(id, redemption.AgentToken!, $"{options.EnrollmentUrl.TrimEnd('/')}/artifacts/", artifacts.Issue(id))),
            EnrollmentFailure.Unknown => TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unknown enrollment token",
                detail: "This token was not issued for this container, or a newer one replaced it. Re-run the deployment to issue a new one."),
            EnrollmentFailure.Expired => TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Enrollment token expired",
                detail: "The token's time to live has passed. Re-run the deployment to issue a new one."),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Enrollment token already used",
                detail: "This token was already exchanged. If this container did not do it, someone else saw the token: delete the container and investigate."),
        };
    }
}
