using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ZeroLagHub.Api.Storage;
using ZeroLagHub.Api.Storage.Marten;
using ZeroLagHub.Projections.ReadModels;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Bench;

/// <summary>
/// A host over the bench database with the API's schema, its Marten store and daemon, and the status read model:
/// what the latency and rebuild benchmarks measure. Callers may change the services before building it.
/// </summary>
internal static class StatusProjectionHost
{
    public static HostApplicationBuilder CreateBuilder(BenchDatabase db)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(db.DataSource);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<SchemaMigration>();
        builder.Services.AddSingleton<IProjection, ContainerStatusProjection>();
        builder.Services.AddMartenEventStore();
        return builder;
    }
}
