using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Options;
using ZeroLagHub.Agent.Auth;
using ZeroLagHub.Agent.Hosting;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Health;

/// <summary>
/// <c>GET /health</c>, the one anonymous endpoint. Anyone learns that the agent is up and nothing more
/// (<see cref="AgentUp"/>); the control plane, with the agent's token, learns which container and agent
/// instance answer, for how long, and the version (<see cref="AgentHealth"/>): a container id is not for
/// whoever can reach the port.
/// </summary>
public static class HealthApi
{
    /// <summary>New on every start, so the control plane can tell an agent restart from a network blip.</summary>
    public static readonly Guid InstanceId = Guid.NewGuid();

    public static string Version { get; } = Assembly.GetExecutingAssembly().GetName().Version?.ToString(3) ?? "0.0.0";

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", (HttpContext context, IOptions<AgentOptions> options) => AgentTokenMiddleware.HoldsToken(context)
            ? Results.Json(new AgentHealth("ok", options.Value.ContainerId, InstanceId, (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds,
                Version))
            : Results.Json(AgentUp.Instance));
        return routes;
    }
}
