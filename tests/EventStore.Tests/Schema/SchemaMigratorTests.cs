using ZeroLagHub.Testing;

namespace ZeroLagHub.EventStore.Tests.Schema;

public sealed class SchemaMigratorTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task NodesStartingAtOnceMigrateOnceAndAgreeOnTheVersion()
    {
        var versions = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgresEventStore.MigrateAsync(db.DataSource))));
        Assert.All(versions, v => Assert.Equal(PostgresEventStore.LatestSchemaVersion, v));
        Assert.Equal((long)PostgresEventStore.LatestSchemaVersion, await db.ScalarAsync("SELECT count(*) FROM es.schema_version"));

        // A later start finds nothing to do and leaves the data alone.
        await db.ScalarAsync("INSERT INTO es.streams (stream_id, version) VALUES ('kept', 0)");
        Assert.Equal(PostgresEventStore.LatestSchemaVersion, await PostgresEventStore.MigrateAsync(db.DataSource));
        Assert.Equal(1L, await db.ScalarAsync("SELECT count(*) FROM es.streams WHERE stream_id = 'kept'"));
    }
}
