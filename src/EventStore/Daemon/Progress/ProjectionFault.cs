namespace ZeroLagHub.EventStore.Daemon.Progress;

/// <summary>Why a projection stopped: the event it could not apply, the error and how often it tried.</summary>
public sealed record ProjectionFault(EventIdentity Event, string Error, int Attempts, DateTimeOffset At);
