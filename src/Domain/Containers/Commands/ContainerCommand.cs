namespace ZeroLagHub.Domain.Containers;

/// <summary>
/// A user's request about one container, decided by <c>Container.Decide</c>.
/// </summary>
/// <param name="CommandId">
/// Stable per request (the idempotency-key header, or a new id): recorded in the events and passed to
/// the agent, which returns its first result for a repeated id.
/// </param>
public abstract record ContainerCommand(Guid CommandId);
