using Npgsql;

namespace ZeroLagHub.Api.Storage.Schema;

/// <summary>
/// The <c>es</c> schema of the hand-written event store that came before Marten: its scripts (in
/// EventStoreMigrations) still run so older databases keep their history table and the legacy copy
/// (<c>migrate-events</c>, Storage/LegacyEvents) finds <c>es.events</c>; nothing else writes there.
/// </summary>
/// <remarks>
/// The scripts' versions and names are those the old store recorded in <c>es.schema_version</c>: a database
/// it migrated sees them as applied. Never rename or renumber them.
/// </remarks>
public static class EventStoreSchema
{
    public const string Name = "es";

    private const string ResourcePrefix = "ZeroLagHub.Api.EventStoreMigrations.";

    /// <summary>The version this build migrates <c>es</c> to (its newest script); <c>/health</c> reports it.</summary>
    public static int LatestVersion { get; } = Migration.FromResources(typeof(EventStoreSchema).Assembly, ResourcePrefix)[^1].Version;

    /// <summary>Creates or upgrades the schema; safe to call from several nodes at once.</summary>
    public static Task<int> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken ct = default) =>
        new SchemaMigrator(dataSource).MigrateAsync(Name, typeof(EventStoreSchema).Assembly, ResourcePrefix, ct);
}
