using Marten;

namespace ZeroLagHub.Api.Audit.AsOf;

/// <summary>
/// A stream folded as it stood at an earlier version or time, for auditors. Marten reads the events
/// (its <c>FetchStreamAsync</c> bounds a stream by version and by timestamp, both inclusive); the fold is
/// the domain's own <c>Evolve</c>, so the answer is what the aggregate was, not what a read model says.
/// </summary>
public sealed class StreamAsOf(IDocumentStore store)
{
    /// <summary>Folds events up to <paramref name="upToVersion"/> and stored at or before <paramref name="asOf"/> (the earlier bound wins).</summary>
    /// <returns>The state and the version of the last event folded in (0: none).</returns>
    public async Task<(TState State, long Version)> FoldAsync<TState>(Guid streamId, TState initial, Func<TState, object, TState> evolve,
        long upToVersion = long.MaxValue, DateTimeOffset? asOf = null, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        // Marten's version 0 means "no bound".
        var events = await session.Events.FetchStreamAsync(streamId, upToVersion == long.MaxValue ? 0 : upToVersion, asOf?.ToUniversalTime(), token: ct);
        var state = initial;
        long version = 0;
        foreach (var e in events)
        {
            state = evolve(state, e.Data);
            version = e.Version;
        }
        return (state, version);
    }
}
