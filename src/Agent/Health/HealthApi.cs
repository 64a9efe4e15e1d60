using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Options;
using ZeroLagHub.Agent.Hosting;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Health;

/// <summary><c>GET /health</c>, the one anonymous endpoint: up, which agent instance, for how long.</summary>
public static class HealthApi
{
    /// <summary>New on every start, so the control plane can tell an agent restart from a network blip.</summary>
    public static readonly Guid InstanceId = Guid.NewGuid();

    public static string Version { get; } = Assembly.GetExecutingAssembly().GetName().Version?.ToString(3) ?? "0.0.0";

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", (IOptions<AgentOptions> options) => new AgentHealth("ok", options.Value.ContainerId, InstanceId,
            (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds, Version));
        return routes;
    }
}
