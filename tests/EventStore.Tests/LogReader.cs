using ZeroLagHub.EventStore.Reading;

namespace ZeroLagHub.EventStore.Tests;

/// <summary>
/// Reads the global log from where it left off, like a projection would, keeping only the given streams.
/// </summary>
/// <remarks>
/// The gap-free horizon is cluster-wide, and other test classes run transactions in parallel on the same
/// server, so an event we expect may be held back for a moment: callers that expect events wait for them.
/// </remarks>
public sealed class LogReader(IEventStore store, params string[] streams)
{
    private LogPosition _checkpoint = LogPosition.Start;

    /// <summary>Reads what is readable now.</summary>
    public async Task<List<StoredEvent>> CatchUp(int pageSize = 100)
    {
        var read = new List<StoredEvent>();
        while (true)
        {
            var page = await store.ReadAllAsync(_checkpoint, pageSize);
            if (page.Events.Count == 0) return read;
            Assert.True(page.Next > _checkpoint, "the checkpoint moves forward");
            read.AddRange(page.Events.Where(e => streams.Length == 0 || streams.Contains(e.StreamId)));
            _checkpoint = page.Next;
        }
    }

    /// <summary>Reads until at least <paramref name="count"/> matching events arrived (or 10 s passed).</summary>
    public async Task<List<StoredEvent>> CatchUp(int count, int pageSize = 100)
    {
        var read = new List<StoredEvent>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (read.Count < count && DateTime.UtcNow < deadline)
        {
            var more = await CatchUp(pageSize);
            if (more.Count == 0) await Task.Delay(20);
            read.AddRange(more);
        }
        return read;
    }
}
