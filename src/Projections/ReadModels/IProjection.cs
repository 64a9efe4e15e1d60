using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Projections.ReadModels;

/// <summary>
/// Builds a read model from events. The engine hands it whole batches inside a transaction; the
/// projection folds a batch in memory and writes each touched row once (a multi-row upsert, or COPY),
/// because one <c>INSERT … ON CONFLICT</c> cannot touch the same key twice.
/// </summary>
/// <remarks>
/// A projection must be deterministic over the events: a rebuild from position zero has to produce
/// the same rows as the incremental build. It writes only to the tables it declares, through
/// <see cref="ProjectionContext.Table"/>, so the engine can build a new generation beside the live one.
/// </remarks>
public interface IProjection
{
    /// <summary>Stable name: the checkpoint's key and the prefix of its tables' physical names.</summary>
    string Name { get; }

    /// <summary>Applied in the appending transaction (inline) or by the daemon (async).</summary>
    ProjectionLifecycle Lifecycle { get; }

    /// <summary>The tables it owns. Readers query them by <see cref="ProjectionTable.Name"/>, a view over the live generation.</summary>
    IReadOnlyList<ProjectionTable> Tables { get; }

    /// <summary>Folds a batch (in log order) into the read model within <paramref name="context"/>'s transaction.</summary>
    Task ApplyAsync(IReadOnlyList<StoredEvent> events, ProjectionContext context, CancellationToken ct);

    /// <summary>Deletes every row derived from one stream, before that stream is replayed alone.</summary>
    Task DeleteStreamAsync(string streamId, ProjectionContext context, CancellationToken ct);
}
