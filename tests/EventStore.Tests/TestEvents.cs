using ZeroLagHub.EventStore.Serialization;

namespace ZeroLagHub.EventStore.Tests;

public sealed record Created(string Name);
public sealed record Renamed(string Name);
public sealed record Counted(int N);

public static class TestEvents
{
    public static EventTypeRegistry Registry() => new EventTypeRegistry()
        .Register<Created>("test.created")
        .Register<Renamed>("test.renamed")
        .Register<Counted>("test.counted");

    public static string NewStream() => Guid.NewGuid().ToString();
}
