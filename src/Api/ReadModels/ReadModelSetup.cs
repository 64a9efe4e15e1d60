using Npgsql;
using ZeroLagHub.Projections.ReadModels;

namespace ZeroLagHub.Api.ReadModels;

/// <summary>
/// Creates every read model's tables and views at start-up: after the schema migration, before the first
/// append (inline read models are written by it) and before Marten's daemon (hosted services start in order).
/// </summary>
public sealed class ReadModelSetup(NpgsqlDataSource dataSource, IEnumerable<IProjection> readModels) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        foreach (var readModel in readModels) await ReadModelTables.EnsureAsync(dataSource, readModel, ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
