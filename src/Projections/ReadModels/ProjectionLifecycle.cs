namespace ZeroLagHub.Projections.ReadModels;

public enum ProjectionLifecycle
{
    /// <summary>Applied in the same transaction as the append: read model and events commit together.</summary>
    Inline,

    /// <summary>Applied by the daemon from the gap-free log, shortly after commit.</summary>
    Async,
}
