using Marten;
using Npgsql;
using ZeroLagHub.Api.Storage.Schema;

namespace ZeroLagHub.Api.Storage;

/// <summary>
/// Creates or upgrades the database schemas when the API starts: the old event store's <c>es</c> (Schema/EventStoreSchema.cs), the
/// API's own <c>zlh</c> (scripts in Storage/Migrations, embedded in this assembly), then Marten's. Several API nodes may
/// start at once; the migrator serialises them. A failure stops the start: serving on a half-made schema
/// is worse.
/// </summary>
public sealed partial class SchemaMigration(NpgsqlDataSource dataSource, IDocumentStore marten, ILogger<SchemaMigration> log) : IHostedService
{
    /// <summary>The API's own schema: accounts, and whatever later migrations add.</summary>
    public const string Schema = "zlh";

    public async Task StartAsync(CancellationToken ct)
    {
        var version = await EventStoreSchema.MigrateAsync(dataSource, ct);
        LogMigrated(log, EventStoreSchema.Name, version);
        version = await new SchemaMigrator(dataSource).MigrateAsync(Schema, typeof(SchemaMigration).Assembly, "ZeroLagHub.Api.Migrations.", ct);
        LogMigrated(log, Schema, version);
        // Marten's tables, functions and daemon progress, as this build configures them (Marten's own
        // advisory lock serialises nodes). Marten never creates anything lazily (AutoCreate.None).
        await marten.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        LogMartenApplied(log, Marten.MartenSchema.Name);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Schema {Schema} has every table and function Marten is configured with")]
    private static partial void LogMartenApplied(ILogger log, string schema);

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Schema {Schema} is at version {Version}")]
    private static partial void LogMigrated(ILogger log, string schema, int version);
}
