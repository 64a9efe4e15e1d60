using ZeroLagHub.EventStore.Serialization;
using ZeroLagHub.Testing;

namespace ZeroLagHub.EventStore.Tests;

/// <summary>A per-class database with the event store's schema, and a store over the test events.</summary>
public sealed class EventStoreDatabase : PostgresDatabase
{
    public PostgresEventStore Store { get; private set; } = null!;

    public PostgresEventStore StoreWith(EventTypeRegistry types) => new(DataSource, types);

    protected override async Task OnCreatedAsync()
    {
        await PostgresEventStore.MigrateAsync(DataSource);
        Store = StoreWith(TestEvents.Registry());
    }
}
