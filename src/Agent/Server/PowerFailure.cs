namespace ZeroLagHub.Agent.Server;

/// <summary>A refused power action: the reason and a message that says what to do.</summary>
public sealed record PowerFailure(PowerRejection Reason, string Message)
{
    public int StatusCode => Reason == PowerRejection.HolderFailed ? 500 : 409;
}
