using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using ZeroLagHub.Api.Audit;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Http;

namespace ZeroLagHub.Api.Artifacts.Building;

/// <summary>
/// <c>POST /api/admin/artifacts/{name}/{version}/build</c> (admin): builds one artifact in the background, 202 with its
/// progress (follow it with <c>GET</c> on the same path); 404 no recipe. Audited.
/// </summary>
public static class BuildArtifactEndpoint
{
    [WolverinePost("/api/admin/artifacts/{name}/{version}/build"), Tags("Artifacts"), Authorize(Policy = AuthPolicies.Admin)]
    [ProducesResponseType<ArtifactBuildView>(StatusCodes.Status202Accepted), ProducesProblem(404)]
    public static Task<IResult> Post(string name, string version, HttpContext context, ArtifactBuilder builder) =>
        AuditedEndpoints.RecordAsync(context, AuditTrail.Actions.BuildArtifact, $"artifact {name} {version}", Build(name, version, builder));

    private static IResult Build(string name, string version, ArtifactBuilder builder)
    {
        if (ArtifactRecipes.Find(name, version) is not { } recipe) return ArtifactBuildApi.NoRecipe(name, version);
        var build = builder.Start(recipe);
        return TypedResults.Accepted($"/api/admin/artifacts/{name}/{version}/build", build.View());
    }
}
