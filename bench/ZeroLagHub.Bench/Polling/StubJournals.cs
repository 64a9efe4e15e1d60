using System.Collections.Concurrent;
using System.Text.Json;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Bench.Polling;

/// <summary>
/// The stub agents' journals, in memory. A journal exists from the first request for its container, so
/// the stub process needs no list of ids; <see cref="Grow"/> adds one entry to a share of them, which
/// the benchmark asks for once per cycle so that both sides read the same new entries.
/// </summary>
internal sealed class StubJournals
{
    private readonly ConcurrentDictionary<Guid, Journal> _journals = new();

    public JournalPage Read(Guid containerId, long after, int limit) =>
        _journals.GetOrAdd(containerId, id => new Journal(StubIdentity.JournalOf(id))).Read(after, limit);

    /// <returns>How many journals got an entry.</returns>
    public int Grow(double share)
    {
        var journals = _journals.Values.ToArray();
        Random.Shared.Shuffle(journals);
        var count = (int)Math.Round(journals.Length * share);
        foreach (var journal in journals.Take(count)) journal.Append(DateTimeOffset.UtcNow);
        return count;
    }

    private sealed class Journal(Guid id)
    {
        private readonly Lock _lock = new();
        private readonly List<JournalEntry> _entries = [];

        public JournalPage Read(long after, int limit)
        {
            lock (_lock)
                return new JournalPage(id, _entries.Count, [.. _entries.Skip((int)Math.Max(0, after)).Take(limit)]);
        }

        /// <summary>The game server alternately runs and stops: entries the poller turns into events.</summary>
        public void Append(DateTimeOffset at)
        {
            lock (_lock)
            {
                var seq = _entries.Count + 1;
                var kind = seq % 2 == 1 ? "server.running" : "server.stopped";
                _entries.Add(new JournalEntry(seq, at, kind, JsonSerializer.SerializeToElement(new { pid = seq, exitCode = 0 })));
            }
        }
    }
}
