namespace ZeroLagHub.EventStore.Queue;

/// <summary>One claim this worker holds: the message and the attempt number its claim set.</summary>
internal readonly record struct LeaseRef(Guid Id, int Attempt);
