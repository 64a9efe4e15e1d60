namespace ZeroLagHub.EventStore.Queue;

/// <summary>How one delivery ended, waiting to be written with others in one completion batch.</summary>
/// <param name="Attempt">The claim's attempt number: with the worker id, the fence for Retry and DeadLetter.</param>
/// <param name="Error">Why it failed (Retry, DeadLetter).</param>
/// <param name="RetryIn">The backoff before the next delivery (Retry).</param>
internal sealed record MessageOutcome(Guid Id, int Attempt, OutcomeKind Kind, string? Error = null, TimeSpan RetryIn = default);

internal enum OutcomeKind
{
    /// <summary>The handler succeeded: the message is deleted.</summary>
    Handled,

    /// <summary>The handler failed with attempts left: delivered again after the backoff.</summary>
    Retry,

    /// <summary>Out of attempts, or undeliverable (unknown type, no handler, unreadable payload).</summary>
    DeadLetter,
}
