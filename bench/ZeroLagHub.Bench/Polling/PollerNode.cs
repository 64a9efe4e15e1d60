using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ZeroLagHub.Api.Agents.Polling;
using ZeroLagHub.Api.Extensions;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Bench.Polling;

/// <summary>
/// One API node's poller, registered as the API registers it (<see cref="PollerRegistration.AddAgentPoller"/>:
/// the <c>Poller</c> section, the probe's HTTP client, <see cref="NoLastSeen"/>), without its background loop:
/// the benchmark runs the cycles itself, on the period, to time each one.
/// </summary>
internal sealed class PollerNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PollerNode(WebApplication app) => _app = app;

    public AgentPoller Poller => _app.Services.GetRequiredService<AgentPoller>();

    public PollerOptions Options => _app.Services.GetRequiredService<IOptions<PollerOptions>>().Value;

    public static PollerNode Create(NpgsqlDataSource dataSource, IEventStore store, IContainerHost host, TimeSpan period, int? concurrency)
    {
        var builder = WebApplication.CreateSlimBuilder();
        var settings = new Dictionary<string, string?>
        {
            ["Poller:Enabled"] = "false",
            ["Poller:Node"] = "bench",
            ["Poller:Period"] = period.ToString("c", CultureInfo.InvariantCulture),
        };
        if (concurrency is { } n) settings["Poller:MaxConcurrency"] = n.ToString(CultureInfo.InvariantCulture);
        builder.Configuration.AddInMemoryCollection(settings);
        // Warnings only (failed writes, lost shards), on stderr: the API's per-event Information lines would bury the report.
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Warning).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Warning);
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(host);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddAgentPoller();
        return new PollerNode(builder.Build());
    }

    // Disposes the poller with the container, which closes its shard connection and frees the shards.
    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
