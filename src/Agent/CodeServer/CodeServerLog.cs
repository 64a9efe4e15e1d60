namespace ZeroLagHub.Agent.CodeServer;

/// <summary>code-server lifecycle log lines (EventIds 4300–4399).</summary>
internal static partial class CodeServerLog
{
    [LoggerMessage(EventId = 4300, Level = LogLevel.Information, Message = "code-server started: pid {Pid}, socket {Socket}, as {User}")]
    public static partial void Started(this ILogger logger, int pid, string socket, string user);

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "code-server stopped: pid {Pid}")]
    public static partial void Stopped(this ILogger logger, int pid);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Warning, Message = "code-server died: pid {Pid}, exit code {ExitCode}; not restarted")]
    public static partial void Died(this ILogger logger, int pid, int exitCode);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Warning, Message = "code-server not started ({Reason}): {Detail}")]
    public static partial void NotStarted(this ILogger logger, string reason, string detail);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Warning, Message = "code-server runs as the agent's own user: {Reason}")]
    public static partial void RunsAsAgent(this ILogger logger, string reason);

    [LoggerMessage(EventId = 4305, Level = LogLevel.Warning, Message = "code-server pid {Pid} does not listen on {Socket} (an earlier agent's, maybe on a loopback port): replacing it")]
    public static partial void Replacing(this ILogger logger, int pid, string socket);

    [LoggerMessage(EventId = 4306, Level = LogLevel.Error, Message = "code-server not on its socket could not be replaced")]
    public static partial void ReplaceFailed(this ILogger logger, Exception exception);
}
