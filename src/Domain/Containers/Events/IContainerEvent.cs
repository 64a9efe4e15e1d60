namespace ZeroLagHub.Domain.Containers;

/// <summary>Every event of a container stream: when it happened (in the container, for agent reports; not when it was stored).</summary>
public interface IContainerEvent
{
    DateTimeOffset At { get; }
}
