using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Api.Tests.Proxmox.Fake;

/// <summary>
/// The agent inside a fake LXC: answers <c>/health</c> only once enrolled, as the golden template's
/// first-boot script starts the real agent only after the exchange.
/// </summary>
public sealed class FakeAgent : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Guid _instance = Guid.NewGuid();

    private FakeAgent(WebApplication app) => _app = app;

    public int Port { get; private set; }
    public Guid? EnrolledAs { get; private set; }
    public string? AgentToken { get; private set; }

    public void Enrolled(Guid containerId, string agentToken) => (EnrolledAs, AgentToken) = (containerId, agentToken);

    public static async Task<FakeAgent> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var agent = new FakeAgent(app);
        // As the real agent: which container it serves is told only to the holder of its token.
        app.MapGet("/health", (HttpContext context) => agent.EnrolledAs is not { } id ? Results.StatusCode(503)
            : context.Request.Headers.Authorization == $"Bearer {agent.AgentToken}" ? Results.Json(new AgentHealth("ok", id, agent._instance, 1.5, "test"))
            : Results.Json(AgentUp.Instance));
        await app.StartAsync();
        agent.Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        return agent;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
