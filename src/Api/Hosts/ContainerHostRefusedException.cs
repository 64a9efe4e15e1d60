namespace ZeroLagHub.Api.Hosts;

/// <summary>
/// The host refused or failed an operation in a way that trying again will not cure: a missing
/// privilege, a task that ended in error (a clone onto a full disk). A deployment stage fails at once
/// with the host's log instead of being retried. Anything else a host throws (a network error, a
/// timeout) is taken as transient, and the queue retries the stage.
/// </summary>
public sealed class ContainerHostRefusedException(string message, Exception inner) : Exception(message, inner);
