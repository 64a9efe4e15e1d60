using ZeroLagHub.Domain.Servers;

// Game servers' process. Requests are what a user asked (with the command id the agent sees);
// the rest is what the agent's supervisor reports.
namespace ZeroLagHub.Domain.Containers;

public sealed record ServerStartRequested(string By, Guid CommandId, DateTimeOffset At) : IContainerEvent;

/// <summary>A graceful stop (stop command, then SIGTERM, then SIGKILL). Not a crash.</summary>
public sealed record ServerStopRequested(string By, Guid CommandId, DateTimeOffset At) : IContainerEvent;

public sealed record ServerRestartRequested(string By, Guid CommandId, DateTimeOffset At) : IContainerEvent;

/// <summary>SIGKILL at once. Not a crash.</summary>
public sealed record ServerKillRequested(string By, Guid CommandId, DateTimeOffset At) : IContainerEvent;

/// <summary>The server is running (its ready line appeared, or it has none).</summary>
public sealed record ServerStarted(DateTimeOffset At) : IContainerEvent;

/// <summary>The server ended because it was asked to (including <c>stop</c> typed in the console).</summary>
public sealed record ServerStopped(DateTimeOffset At) : IContainerEvent;

/// <summary>The server ended without being asked to.</summary>
/// <param name="Signal">The signal number that ended it, if one did (9 for an OOM kill).</param>
/// <param name="LogTail">Its last console lines, the evidence for <paramref name="Classification"/>.</param>
public sealed record ServerCrashed(
    DateTimeOffset At,
    int? ExitCode,
    int? Signal,
    double UptimeSeconds,
    IReadOnlyList<string> LogTail,
    CrashClassification Classification) : IContainerEvent;

/// <summary>The supervisor will start the server again after <paramref name="Delay"/> (30 s → 60 s → 120 s).</summary>
public sealed record RestartScheduled(TimeSpan Delay, DateTimeOffset At) : IContainerEvent;

/// <summary>The supervisor gave up restarting (repeated crashes); the server stays down until a user starts it.</summary>
public sealed record EnteredError(string Reason, DateTimeOffset At) : IContainerEvent;
