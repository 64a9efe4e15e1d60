namespace ZeroLagHub.Agent.CodeServer;

/// <summary>code-server lifecycle log lines (EventIds 4300–4399).</summary>
internal static partial class CodeServerLog
{
    [LoggerMessage(EventId = 4300, Level = LogLevel.Information, Message = "code-server started: pid {Pid}, 127.0.0.1:{Port}, as {User}")]
    public static partial void Started(this ILogger logger, int pid, int port, string user);

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "code-server stopped: pid {Pid}")]
    public static partial void Stopped(this ILogger logger, int pid);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Warning, Message = "code-server died: pid {Pid}, exit code {ExitCode}; not restarted")]
    public static partial void Died(this ILogger logger, int pid, int exitCode);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Warning, Message = "code-server not started ({Reason}): {Detail}")]
    public static partial void NotStarted(this ILogger logger, string reason, string detail);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Warning, Message = "code-server runs as the agent's own user: {Reason}")]
    public static partial void RunsAsAgent(this ILogger logger, string reason);
}
