using System.Text.Json.Nodes;
using ZeroLagHub.EventStore.Appending;
using ZeroLagHub.EventStore.Serialization;

namespace ZeroLagHub.EventStore.Tests.Serialization;

public sealed record PlanChangedV1(string Plan);
public sealed record PlanChanged(string Plan, int MemoryMb, string Region);

public sealed class UpcastingTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    private static readonly EventTypeRegistry V1 = new EventTypeRegistry().Register<PlanChangedV1>("plan-changed");

    private static readonly EventTypeRegistry V3 = new EventTypeRegistry()
        .Register<PlanChanged>("plan-changed", schemaVersion: 3)
        .Upcast("plan-changed", 1, v1 => { v1["memoryMb"] = v1["plan"]!.GetValue<string>() == "large" ? 4096 : 1024; return v1; })
        .Upcast("plan-changed", 2, v2 => { v2["region"] = "eu-1"; return v2; });

    [Fact]
    public async Task EventsWrittenAtAnOldSchemaAreUpcastThroughEveryStepOnRead()
    {
        var stream = TestEvents.NewStream();
        await db.StoreWith(V1).AppendAsync(stream, ExpectedVersion.NoStream, [new PlanChangedV1("large")]);
        await db.StoreWith(V3).AppendAsync(stream, ExpectedVersion.Exactly(1), [new PlanChanged("small", 512, "us-2")]);

        var events = await db.StoreWith(V3).ReadStreamAsync(stream).ToListAsync();
        Assert.Equal(new PlanChanged("large", 4096, "eu-1"), events[0].Data);
        Assert.Equal(1, events[0].SchemaVersion);
        Assert.Equal(new PlanChanged("small", 512, "us-2"), events[1].Data);
        Assert.Equal(3, events[1].SchemaVersion);
    }

    [Fact]
    public async Task AnUnknownTypeNameFailsWithAnErrorNamingIt()
    {
        var stream = TestEvents.NewStream();
        await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [new Created("x")]);
        var error = await Assert.ThrowsAsync<UnknownEventTypeException>(() => db.StoreWith(V1).ReadStreamAsync(stream).ToListAsync().AsTask());
        Assert.Equal("test.created", error.TypeName);
        Assert.Contains("'test.created'", error.Message);
        Assert.Contains(stream, error.Message);
    }

    [Fact]
    public async Task AMissingUpcasterStepFailsWithAnErrorNamingTheGap()
    {
        var stream = TestEvents.NewStream();
        await db.StoreWith(V1).AppendAsync(stream, ExpectedVersion.NoStream, [new PlanChangedV1("large")]);
        var gappy = new EventTypeRegistry().Register<PlanChanged>("plan-changed", schemaVersion: 3)
            .Upcast("plan-changed", 1, v1 => v1);
        var error = await Assert.ThrowsAsync<EventSchemaException>(() => db.StoreWith(gappy).ReadStreamAsync(stream).ToListAsync().AsTask());
        Assert.Contains("from 2 to 3", error.Message);
    }

    [Fact]
    public void RegistrationMistakesAreRefusedUpFront()
    {
        Assert.Throws<ArgumentException>(() => new EventTypeRegistry().Register<Created>("a").Register<Renamed>("a"));
        Assert.Throws<ArgumentException>(() => new EventTypeRegistry().Register<Created>("a").Register<Created>("b"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventTypeRegistry().Register<Created>("a").Upcast("a", 1, n => n));
        Assert.Throws<ArgumentException>(() => new EventTypeRegistry().Upcast("nope", 1, n => n));
        Assert.Throws<ArgumentException>(() => new EventTypeRegistry().Register<Created>("a", 2).Upcast("a", 1, n => n).Upcast("a", 1, n => n));
    }

    [Fact]
    public void UpcastersSeeTheStoredJsonObject()
    {
        JsonObject? seen = null;
        var registry = new EventTypeRegistry().Register<PlanChanged>("p", 2)
            .Upcast("p", 1, n => { seen = n; n["memoryMb"] = 1; n["region"] = "r"; return n; });
        var data = registry.Deserialize("p", 1, """{"plan":"x"}""", "s", 1);
        Assert.Equal(new PlanChanged("x", 1, "r"), data);
        Assert.Equal("x", seen!["plan"]!.GetValue<string>());
    }
}
