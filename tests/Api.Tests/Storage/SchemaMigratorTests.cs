using ZeroLagHub.Api.Storage.Schema;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Api.Tests.Storage;

public sealed class SchemaMigratorTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task NodesStartingAtOnceMigrateOnceAndAgreeOnTheVersion()
    {
        var versions = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => EventStoreSchema.MigrateAsync(db.DataSource))));
        Assert.All(versions, v => Assert.Equal(EventStoreSchema.LatestVersion, v));
        Assert.Equal((long)EventStoreSchema.LatestVersion, await db.ScalarAsync("SELECT count(*) FROM es.schema_version"));

        // A later start finds nothing to do and leaves the data alone.
        await db.ScalarAsync("INSERT INTO es.streams (stream_id, version) VALUES ('kept', 0)");
        Assert.Equal(EventStoreSchema.LatestVersion, await EventStoreSchema.MigrateAsync(db.DataSource));
        Assert.Equal(1L, await db.ScalarAsync("SELECT count(*) FROM es.streams WHERE stream_id = 'kept'"));
    }

    [Fact]
    public async Task TheOldStoresScriptsKeepTheVersionsAndNamesItRecorded()
    {
        // A database the old store migrated holds exactly these rows: the same ones mean nothing re-runs there.
        // The API's own zlh scripts live in the same assembly and must not be taken for es's.
        await EventStoreSchema.MigrateAsync(db.DataSource);
        Assert.Equal("1:event_store,2:projections,3:message_queue",
            await db.ScalarAsync("SELECT string_agg(version || ':' || name, ',' ORDER BY version) FROM es.schema_version"));
    }
}
