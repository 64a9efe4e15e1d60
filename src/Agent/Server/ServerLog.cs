namespace ZeroLagHub.Agent.Server;

/// <summary>Game-server supervision log lines (EventIds 4300–4399).</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 4300, Level = LogLevel.Information, Message = "Game server started: pid {Pid} ({Reason})")]
    public static partial void Started(this ILogger logger, int? pid, string reason);

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Game server running: pid {Pid}")]
    public static partial void Running(this ILogger logger, int? pid);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Information, Message = "Game server stopped: pid {Pid}, exit code {ExitCode}, signal {Signal}")]
    public static partial void Stopped(this ILogger logger, int? pid, int? exitCode, int? signal);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Warning, Message = "Game server crashed ({Classification}): pid {Pid}, exit code {ExitCode}, signal {Signal}, crash {Count} in a row")]
    public static partial void Crashed(this ILogger logger, string classification, int? pid, int? exitCode, int? signal, int count);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Information, Message = "Game server restart scheduled in {Delay}")]
    public static partial void RestartScheduled(this ILogger logger, TimeSpan delay);

    [LoggerMessage(EventId = 4305, Level = LogLevel.Error, Message = "Game server entered error after {Count} consecutive crashes; it stays down until a user starts it")]
    public static partial void EnteredError(this ILogger logger, int count);

    [LoggerMessage(EventId = 4306, Level = LogLevel.Information, Message = "Reattached to the game server held by holder {HolderPid}: pid {Pid}")]
    public static partial void Reattached(this ILogger logger, int holderPid, int pid);

    [LoggerMessage(EventId = 4307, Level = LogLevel.Warning, Message = "Game server power action {Action} refused ({Reason}): {Message}")]
    public static partial void Refused(this ILogger logger, PowerAction action, PowerRejection reason, string message);

    [LoggerMessage(EventId = 4308, Level = LogLevel.Information, Message = "Game server stop escalated to signal {Signal} after {Timeout}")]
    public static partial void Escalated(this ILogger logger, int signal, TimeSpan timeout);

    [LoggerMessage(EventId = 4309, Level = LogLevel.Error, Message = "Following the game server's holder failed; its run is recorded as ended")]
    public static partial void FollowFailed(this ILogger logger, Exception exception);
}
