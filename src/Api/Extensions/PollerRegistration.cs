using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using ZeroLagHub.Api.Agents.Polling;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Api.Extensions;

public static class PollerRegistration
{
    /// <summary>
    /// The agent poller (section <c>Poller</c>). <see cref="AgentPoller"/> is always registered, so an
    /// operator endpoint can show its assignment; the background loop only when <c>Poller:Enabled</c>.
    /// Register an <see cref="ILastSeen"/> before this to keep sightings (e.g. in Redis).
    /// </summary>
    public static WebApplicationBuilder AddAgentPoller(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<PollerOptions>(builder.Configuration.GetSection("Poller"));
        // No client-level timeout: each call is bounded by Poller:AgentTimeout.
        services.AddHttpClient(AgentProbe.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(Hosts.AgentConnection.CreateHandler);   // local agents: their Unix sockets
        services.AddSingleton<AgentProbe>();
        services.TryAddSingleton<ILastSeen, NoLastSeen>();
        services.AddSingleton(sp => new AgentPoller(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<IEventStore>(),
            sp.GetRequiredService<IContainerHost>(), sp.GetRequiredService<AgentProbe>(), sp.GetRequiredService<ILastSeen>(),
            sp.GetRequiredService<IOptions<PollerOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AgentPoller>>(),
            builder.Configuration["Poller:Node"]));
        if (builder.Configuration.GetValue("Poller:Enabled", true)) services.AddHostedService<PollerService>();
        return builder;
    }
}
