// What the control plane learns about the container's agent. Only transitions are events: "last
// seen" lives in Redis, never in the stream.
namespace ZeroLagHub.Domain.Containers;

/// <summary>The agent answered for the first time (the wait_for_agent stage).</summary>
public sealed record AgentRegistered(Guid? InstanceId, DateTimeOffset At) : IContainerEvent;

/// <summary>The poller lost the agent (two consecutive failed polls, never an expired cache key).</summary>
public sealed record AgentWentOffline(DateTimeOffset At) : IContainerEvent;

/// <summary>The agent answers again, as the same instance.</summary>
public sealed record AgentCameBack(Guid InstanceId, DateTimeOffset At) : IContainerEvent;

/// <summary>The agent answers with a new instance id: its process restarted.</summary>
public sealed record AgentRestarted(Guid? PreviousInstanceId, Guid InstanceId, DateTimeOffset At) : IContainerEvent;

/// <summary>
/// The agent's journal was replaced (a new journal id) or rewound (a lower sequence: snapshot
/// restore). Recorded so the ingestion restart is visible, never silently dropped.
/// </summary>
/// <param name="PreviousSeq">The last sequence ingested from the previous journal.</param>
public sealed record AgentJournalReset(Guid? PreviousJournalId, long PreviousSeq, Guid JournalId, long LatestSeq, DateTimeOffset At) : IContainerEvent;
