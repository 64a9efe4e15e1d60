using ZeroLagHub.EventStore.Reading;

namespace ZeroLagHub.EventStore.Daemon.Progress;

/// <summary>One generation of a projection: the live one, or one being rebuilt beside it.</summary>
internal sealed record GenerationProgress(string Projection, int Generation, int LiveGeneration, LogPosition Checkpoint, string State)
{
    public bool IsLive => Generation == LiveGeneration;
    public bool IsRunning => State == "running";
}
