using ZeroLagHub.Domain.Decisions;

namespace ZeroLagHub.Api.Containers;

/// <summary>How a container command ended: accepted (maybe with nothing to do) or rejected with the reason.</summary>
public sealed record CommandResult(Guid CommandId, Guid ContainerId, Guid? DeploymentId, Rejection? Rejection)
{
    public bool Accepted => Rejection is null;
}
