using ZeroLagHub.Api.Auth;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Containers;

/// <summary>A user's command on a container, invoked in process (never stored or serialized): answered with its <see cref="CommandResult"/>.</summary>
public sealed record SendContainerCommand(Guid ContainerId, ContainerCommand Command, CurrentUser User);
