namespace ZeroLagHub.Agent.Console;

/// <summary>Console session log lines (EventIds 5100–5199). Terminal content is never logged.</summary>
internal static partial class ConsoleLog
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "{Kind} console session started (pid {Pid})")]
    public static partial void SessionStarted(this ILogger logger, ConsoleKind kind, int? pid);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "{Kind} console session ended: {Reason}")]
    public static partial void SessionEnded(this ILogger logger, ConsoleKind kind, string reason);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Debug, Message = "client attached to the {Kind} console ({Clients} attached)")]
    public static partial void ClientAttached(this ILogger logger, ConsoleKind kind, int clients);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Debug, Message = "client detached from the {Kind} console ({Clients} attached)")]
    public static partial void ClientDetached(this ILogger logger, ConsoleKind kind, int clients);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "{Kind} console client disconnected: more than {Bytes} bytes of output queued")]
    public static partial void ClientTooSlow(this ILogger logger, ConsoleKind kind, int bytes);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Information, Message = "dev shell ended after {Timeout} without an attached client")]
    public static partial void ShellIdleEnded(this ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Warning, Message = "{Kind} console output throttled above {BytesPerSecond} bytes/s")]
    public static partial void OutputThrottled(this ILogger logger, ConsoleKind kind, int bytesPerSecond);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Information, Message = "{Kind} console input dropped above {CommandsPerSecond} commands/s")]
    public static partial void InputRateLimited(this ILogger logger, ConsoleKind kind, int commandsPerSecond);

    [LoggerMessage(EventId = 5108, Level = LogLevel.Warning, Message = "reading the {Kind} console's terminal failed")]
    public static partial void TerminalReadFailed(this ILogger logger, ConsoleKind kind, Exception error);

    [LoggerMessage(EventId = 5109, Level = LogLevel.Warning, Message = "dev shell runs as the agent's user: {Reason}")]
    public static partial void ShellRunsAsAgent(this ILogger logger, string reason);

    [LoggerMessage(EventId = 5110, Level = LogLevel.Error, Message = "could not start the dev shell")]
    public static partial void ShellStartFailed(this ILogger logger, Exception error);
}
