// Dev containers' browser IDE. Requests are what a user asked; started/stopped/died are what the agent reports.
namespace ZeroLagHub.Domain.Containers;

public sealed record CodeServerStartRequested(string By, Guid CommandId, DateTimeOffset At) : IContainerEvent;

public sealed record CodeServerStopRequested(string By, Guid CommandId, DateTimeOffset At) : IContainerEvent;

public sealed record CodeServerRestartRequested(string By, Guid CommandId, DateTimeOffset At) : IContainerEvent;

public sealed record CodeServerStarted(DateTimeOffset At) : IContainerEvent;

/// <summary>code-server stopped because it was asked to.</summary>
public sealed record CodeServerStopped(DateTimeOffset At) : IContainerEvent;

/// <summary>code-server ended without being asked to. Reported, never restarted in a loop.</summary>
public sealed record CodeServerDied(int? ExitCode, IReadOnlyList<string> OutputTail, DateTimeOffset At) : IContainerEvent;
