using Npgsql;
using ZeroLagHub.EventStore;

namespace ZeroLagHub.Api.Storage;

/// <summary>
/// Creates or upgrades the database schema when the API starts. Several API nodes may start at once;
/// the migrator serialises them. A failure stops the start: serving on a half-made schema is worse.
/// </summary>
public sealed partial class SchemaMigration(NpgsqlDataSource dataSource, ILogger<SchemaMigration> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var version = await PostgresEventStore.MigrateAsync(dataSource, ct);
        LogMigrated(log, "es", version);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Schema {Schema} is at version {Version}")]
    private static partial void LogMigrated(ILogger log, string schema, int version);
}
