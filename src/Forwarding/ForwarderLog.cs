using Microsoft.Extensions.Logging;

namespace ZeroLagHub.Forwarding;

/// <summary>The forwarder's log lines, with fixed event ids. Never the URL's query (it may hold a token) nor any header value.</summary>
internal static partial class ForwarderLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "{Destination} failed ({Error}) for {Method} {Path}")]
    public static partial void Failed(this ILogger log, string destination, ForwarderError error, string method, string path, Exception? exception);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "client went away ({Error}) during {Method} {Path}")]
    public static partial void ClientGone(this ILogger log, ForwarderError error, string method, string path, Exception? exception);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "WebSocket tunnel to {Destination} for {Path} closed ({Error})")]
    public static partial void TunnelClosed(this ILogger log, string destination, string path, ForwarderError error);
}
