namespace ZeroLagHub.EventStore.Daemon.Progress;

/// <summary>
/// The checkpoint was not where this runner left it: another node leads the projection now, or an
/// operator changed it. The batch was rolled back; the runner gives up leadership.
/// </summary>
public sealed class CheckpointMovedException(string projection, int generation)
    : Exception($"the checkpoint of projection '{projection}' generation {generation} moved under this runner");
