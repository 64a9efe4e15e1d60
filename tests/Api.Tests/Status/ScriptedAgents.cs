using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Api.Tests.Status;

/// <summary>
/// Stand-in agents on one loopback Kestrel, each under <c>/c/{container id}/</c>: <c>/health</c> answers
/// for that container with the scripted instance id, <c>/journal</c> with the scripted body as it is, so a
/// test can send what a real agent would not (a page without entries, an entry without data).
/// </summary>
public sealed class ScriptedAgents : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ScriptedAgents(WebApplication app) => _app = app;

    /// <summary>Container id → its agent's instance id and the <c>/journal</c> body it answers.</summary>
    public ConcurrentDictionary<Guid, (Guid Instance, string Journal)> Agents { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public AgentEndpoint EndpointOf(Guid containerId) => new(new Uri(BaseAddress, $"c/{containerId}/"), "scripted-agent-token");

    public static async Task<ScriptedAgents> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var agents = new ScriptedAgents(app);
        app.MapGet("/c/{id:guid}/health", (Guid id) => agents.Agents.TryGetValue(id, out var agent)
            ? Results.Json(new AgentHealth("ok", id, agent.Instance, 1.5, "scripted"))
            : Results.NotFound());
        app.MapGet("/c/{id:guid}/journal", (Guid id) => agents.Agents.TryGetValue(id, out var agent)
            ? Results.Text(agent.Journal, "application/json")
            : Results.NotFound());
        await app.StartAsync();
        agents.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return agents;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
