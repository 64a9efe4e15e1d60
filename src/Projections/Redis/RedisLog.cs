using Microsoft.Extensions.Logging;

namespace ZeroLagHub.Projections.Redis;

internal static partial class RedisLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Redis {Role} connected to {EndPoint}")]
    public static partial void Connected(this ILogger logger, string role, string endPoint);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Redis {Role} connection to {EndPoint} lost: {Reason}")]
    public static partial void ConnectionLost(this ILogger logger, string role, string endPoint, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Redis {Role} cannot connect to {EndPoint}, retrying in {RetryIn}: {Reason}")]
    public static partial void ConnectFailed(this ILogger logger, string role, string endPoint, TimeSpan retryIn, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Redis {Role} connection loop for {EndPoint} failed unexpectedly")]
    public static partial void LoopFailed(this ILogger logger, string role, string endPoint, Exception exception);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Redis subscriber handler for {Channel} threw")]
    public static partial void HandlerFailed(this ILogger logger, string channel, Exception exception);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Redis subscriber reconnected callback threw")]
    public static partial void ReconnectedCallbackFailed(this ILogger logger, Exception exception);
}
