using Npgsql;
using ZeroLagHub.EventStore.Projections;

namespace ZeroLagHub.EventStore.Daemon;

/// <summary>
/// Runs every registered projection on this node: async ones all the time, inline ones while they are
/// being rebuilt. Any number of nodes may run a daemon; each projection has one leader in the cluster.
/// </summary>
public sealed class ProjectionDaemon
{
    private readonly ProjectionRunner[] _runners;

    public ProjectionDaemon(NpgsqlDataSource dataSource, PostgresEventStore store, CommitSignal signal,
        IEnumerable<IProjection> projections, DaemonOptions? options = null)
    {
        var all = projections.ToArray();
        var duplicate = all.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"two projections are named '{duplicate.Key}'");
        var sharedTable = all.SelectMany(p => p.Tables).GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (sharedTable is not null) throw new ArgumentException($"two projections declare the table '{sharedTable.Key}'");
        _runners = [.. all.Select(p => new ProjectionRunner(p, store, dataSource, signal, options ?? new DaemonOptions()))];
    }

    /// <summary>Names of the projections this node leads right now.</summary>
    public IReadOnlyList<string> Leading => [.. _runners.Where(r => r.IsLeader).Select(r => r.Name)];

    /// <summary>The backend pid of this node's leader connection for a projection (0 when not leading).</summary>
    public int LeaderBackendPid(string projection) => _runners.FirstOrDefault(r => r.Name == projection)?.LeaderBackendPid ?? 0;

    /// <summary>Runs until <paramref name="stop"/> is cancelled. A batch in flight then rolls back and is redone by the next leader.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            await Task.WhenAll(_runners.Select(r => Task.Run(() => r.RunAsync(stop), CancellationToken.None)));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
