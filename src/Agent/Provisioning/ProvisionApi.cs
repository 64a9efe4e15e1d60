using Microsoft.AspNetCore.Http.HttpResults;
using ZeroLagHub.Agent.Commands;
using ZeroLagHub.Agent.Install;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Provisioning;

/// <summary><c>POST /provision</c> (a command: <c>Idempotency-Key</c> required, repeats answered with the first result).</summary>
public static class ProvisionApi
{
    public static IEndpointRouteBuilder MapProvisionApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/provision", Provision).AddEndpointFilter<IdempotentCommandFilter>();
        return routes;
    }

    // The install runs on the agent's lifetime, not the request's: a control plane that times out
    // and redelivers should find the download finished, not restarted.
    // NOTE: IResult rather than Results<Ok<…>, ProblemHttpResult>: IdempotentCommandFilter records a
    // result's status and value, and does not unwrap the Results<…> union (INestedHttpResult).
    private static async Task<IResult> Provision(
        ProvisionRequest request, Provisioner provisioner, IHostApplicationLifetime lifetime)
    {
        var (result, failure) = await provisioner.ProvisionAsync(request, lifetime.ApplicationStopping);
        return failure is null ? TypedResults.Ok(result!) : Problem(failure);
    }

    /// <summary>problem+json carrying the failing side (<c>error</c>) and the install's last lines (<c>output</c>).</summary>
    public static ProblemHttpResult Problem(InstallFailure failure) => TypedResults.Problem(
        statusCode: failure.StatusCode,
        title: failure.Error switch
        {
            InstallError.BadRequest => "Bad provision request",
            InstallError.CatalogMissing => "Not in the artifact catalog",
            InstallError.Filesystem => "Install failed in the container",
            _ => "Artifact server trouble",
        },
        detail: failure.Message,
        extensions: new Dictionary<string, object?> { ["error"] = failure.Error.ToString(), ["output"] = failure.Output });
}
