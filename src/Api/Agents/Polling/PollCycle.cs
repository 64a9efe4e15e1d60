namespace ZeroLagHub.Api.Agents.Polling;

/// <summary>What one poll cycle did.</summary>
/// <param name="Polled">Agents polled.</param>
/// <param name="Unreachable">Of those, the ones whose poll failed.</param>
/// <param name="EventsWritten">Events appended (transitions, journal resets, journal entries).</param>
/// <param name="Fenced">Polls whose facts another node had written first (a shard handover).</param>
/// <param name="Failed">Polls that failed with an error (logged with the container id); nothing of them was written.</param>
public sealed record PollCycle(int Polled, int Unreachable, int EventsWritten, int Fenced, int Failed);
