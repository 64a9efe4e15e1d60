namespace ZeroLagHub.Domain.Deployments;

/// <summary>Every event of a deployment stream.</summary>
public interface IDeploymentEvent
{
    DateTimeOffset At { get; }
}
