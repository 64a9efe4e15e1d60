using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ZeroLagHub.Api.Agents.Polling;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Tests.Hosts;
using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Api.Tests.Status;

/// <summary>
/// The API with real local agents and no background poll loop (ApiFixture turns it off): tests drive
/// poll cycles themselves, so "two failed polls" is two calls, not a wait.
/// </summary>
public class PollerFixture : LocalHostFixture
{
    /// <summary>The node's own poller, as the API registers it.</summary>
    public AgentPoller Poller => Services.GetRequiredService<AgentPoller>();

    public IEventStore Store => Services.GetRequiredService<IEventStore>();

    /// <summary>
    /// Another poller node over the same database, with its own shard connection (a second API node);
    /// optionally in front of another host, on another clock, or logging to a test's logger.
    /// </summary>
    public AgentPoller NewNode(string name, IContainerHost? host = null, TimeProvider? time = null, ILogger<AgentPoller>? log = null) =>
        new(Services.GetRequiredService<NpgsqlDataSource>(), Store, host ?? Host, Services.GetRequiredService<AgentProbe>(), new NoLastSeen(),
            Services.GetRequiredService<IOptions<PollerOptions>>(), time ?? TimeProvider.System, log ?? Services.GetRequiredService<ILogger<AgentPoller>>(),
            name);
}
