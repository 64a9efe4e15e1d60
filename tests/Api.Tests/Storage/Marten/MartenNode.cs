using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using ZeroLagHub.Api.Storage;
using ZeroLagHub.Api.Storage.Marten;
using ZeroLagHub.Projections.Events;
using ZeroLagHub.Projections.ReadModels;

namespace ZeroLagHub.Api.Tests.Storage.Marten;

/// <summary>
/// One API node's event store, as the API registers it (schema migration, read model tables, Marten with
/// its HotCold daemon), without the rest of the API. Its connections carry <see cref="Name"/> as their
/// application name, so a test can find (and kill) its sessions.
/// </summary>
public sealed class MartenNode : IAsyncDisposable
{
    private readonly IHost _host;

    private MartenNode(string name, IHost host, NpgsqlDataSource dataSource)
    {
        Name = name;
        _host = host;
        DataSource = dataSource;
    }

    public string Name { get; }
    public NpgsqlDataSource DataSource { get; }
    public IEventStore Store => _host.Services.GetRequiredService<IEventStore>();

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    public static async Task<MartenNode> StartAsync(string connectionString, string name, params IProjection[] readModels)
    {
        var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = name }.ConnectionString);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<SchemaMigration>();
        foreach (var readModel in readModels) builder.Services.AddSingleton<IProjection>(readModel);
        builder.Services.AddMartenEventStore();
        var host = builder.Build();
        await host.StartAsync();
        return new MartenNode(name, host, dataSource);
    }

    /// <summary>
    /// As if the process died: every PostgreSQL session of this node ends (which frees its advisory locks,
    /// the daemon's leadership among them), and the node never comes back.
    /// </summary>
    public async Task KillAsync(NpgsqlDataSource admin)
    {
        var stopping = _host.StopAsync(new CancellationToken(canceled: true));
        await using (var terminate = admin.CreateCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @name"))
        {
            terminate.Parameters.AddWithValue("name", Name);
            await terminate.ExecuteScalarAsync();
        }
        await stopping.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _host.Dispose();
        await DataSource.DisposeAsync();
    }
}
