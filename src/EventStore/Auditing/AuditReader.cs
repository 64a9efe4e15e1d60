using Npgsql;

namespace ZeroLagHub.EventStore.Auditing;

/// <summary>
/// What auditors read and what external anchoring needs: events in their stored form with their
/// hashes, stream heads, and a comparison of the store against heads recorded earlier.
/// </summary>
public sealed class AuditReader(NpgsqlDataSource dataSource)
{
    private const int CompareChunk = 500;

    /// <summary>Versions from <paramref name="fromVersion"/> on, at most <paramref name="limit"/> (1..1000).</summary>
    public Task<List<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
        return ReadRecordedEvents.StreamPageAsync(dataSource, streamId, Math.Max(fromVersion, 1), limit, ct);
    }

    /// <summary>A whole stream in version order, streamed from one snapshot.</summary>
    public IAsyncEnumerable<RecordedEvent> ExportStreamAsync(string streamId, CancellationToken ct = default) =>
        ReadRecordedEvents.StreamAsync(dataSource, streamId, null, null, ct);

    /// <summary>Every event stored in [<paramref name="since"/>, <paramref name="until"/>) in log order, streamed from one snapshot.</summary>
    public IAsyncEnumerable<RecordedEvent> ExportRangeAsync(DateTimeOffset? since, DateTimeOffset? until, CancellationToken ct = default) =>
        ReadRecordedEvents.StreamAsync(dataSource, null, since, until, ct);

    /// <summary>The stream's head; null when there is no such stream.</summary>
    public Task<StreamHead?> HeadAsync(string streamId, CancellationToken ct = default) => ReadStreamHeads.OneAsync(dataSource, streamId, ct);

    /// <summary>Every stream's head and the log's last event, consistent with each other.</summary>
    public Task<HeadsSnapshot> HeadsAsync(CancellationToken ct = default) => ReadStreamHeads.AllAsync(dataSource, ct);

    /// <summary>
    /// Every stream whose history up to its anchored version differs from <paramref name="anchored"/>;
    /// empty when all match. One short query per chunk of streams.
    /// </summary>
    public async Task<List<AnchorDiscrepancy>> CompareAsync(IReadOnlyList<StreamHead> anchored, CancellationToken ct = default)
    {
        var found = new List<AnchorDiscrepancy>();
        foreach (var chunk in anchored.Chunk(CompareChunk)) found.AddRange(await CompareHeads.ExecuteAsync(dataSource, chunk, ct));
        return found;
    }
}
