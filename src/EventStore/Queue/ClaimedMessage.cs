namespace ZeroLagHub.EventStore.Queue;

/// <summary>A message as a claim returned it, still in its stored form.</summary>
/// <param name="Attempt">The delivery this claim starts (1 for the first); with the worker id it fences every later write.</param>
internal sealed record ClaimedMessage(Guid Id, string Type, int SchemaVersion, string Data, int Attempt, DateTimeOffset EnqueuedAt);
