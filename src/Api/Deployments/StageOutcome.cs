namespace ZeroLagHub.Api.Deployments;

/// <summary>How a stage ended: the container facts it established, its log tail, and the error when it failed.</summary>
public sealed record StageOutcome(bool Succeeded, string? Error, IReadOnlyList<string> LogTail, IReadOnlyList<object> ContainerEvents)
{
    public static StageOutcome Success(IReadOnlyList<string> log, params object[] events) => new(true, null, log, events);

    public static StageOutcome Failure(string error, IReadOnlyList<string> log, params object[] events) => new(false, error, log, events);
}
