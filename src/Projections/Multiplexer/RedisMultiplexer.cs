using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ZeroLagHub.Projections.Multiplexer;

/// <summary>
/// The process's one StackExchange.Redis <see cref="ConnectionMultiplexer"/>, set up for a cache the API can do
/// without: it connects in the background and keeps reconnecting, and while Redis is down or silent every command
/// fails within <see cref="DefaultTimeout"/> (at once when there is no connection) so callers fall back to PostgreSQL.
/// </summary>
/// <remarks>
/// The API's ACL user (scripts/services.sh, <c>api_redis_commands</c>) is granted only the commands the API sends.
/// The client's own discovery commands are turned off here instead of granted: INFO, CONFIG (GET: the password
/// too, for a default user), CLUSTER, CLIENT (SETNAME/SETINFO), ECHO (the connect check uses PING then), SCRIPT
/// (scripts go by EVALSHA, then EVAL), the configuration channel (a SUBSCRIBE) and the tie-breaker key (a GET).
/// HELLO and AUTH need no grant: Redis lets every user authenticate.
/// </remarks>
public static partial class RedisMultiplexer
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(1);

    private static readonly HashSet<string> NotSent = ["INFO", "CONFIG", "CLUSTER", "CLIENT", "ECHO", "SCRIPT", "SENTINEL"];

    /// <summary>
    /// StackExchange.Redis' connection string (<c>host:port[,user=…][,password=…][,syncTimeout=ms][,asyncTimeout=ms]
    /// [,connectTimeout=ms]</c>; <c>timeout=ms</c> sets both command timeouts) with the settings above. A malformed
    /// string throws <see cref="FormatException"/> naming what to fix, never showing the password.
    /// </summary>
    public static ConfigurationOptions Options(string connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ConfigurationOptions options;
        var expanded = ExpandTimeout(connection);
        try
        {
            options = ConfigurationOptions.Parse(expanded);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"Redis connection is malformed ({e.Message.Split(" (Parameter")[0]}); expected host:port[,user=…][,password=…][,timeout=ms][,connectTimeout=ms]");
        }
        if (options.EndPoints.Count == 0) throw new FormatException("Redis connection names no endpoint; expected host:port, e.g. 127.0.0.1:6379");

        var given = expanded.ToLowerInvariant();
        if (!given.Contains("synctimeout=")) options.SyncTimeout = (int)DefaultTimeout.TotalMilliseconds;
        if (!given.Contains("asynctimeout=")) options.AsyncTimeout = (int)DefaultTimeout.TotalMilliseconds;
        options.AbortOnConnectFail = false;
        // Queued commands would wait out a whole outage; failing at once lets the caller read PostgreSQL instead.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        // A paused or partitioned server sends no FIN: a PING after 5 s of silence finds it.
        options.KeepAlive = 5;
        options.ReconnectRetryPolicy = new ExponentialRetry(100, 5000);
        // Two connections (commands, pub/sub): a burst of status changes never queues behind the status reads.
        options.Protocol = RedisProtocol.Resp2;
        options.CommandMap = CommandMap.Create(NotSent, available: false);
        options.ConfigurationChannel = "";
        options.TieBreaker = "";
        options.SetClientLibrary = false;
        return options;
    }

    /// <summary>Returns at once when Redis is up, else after the connect timeout, connected or still trying in the background.</summary>
    public static ConnectionMultiplexer Connect(string connection, ILoggerFactory? loggers = null)
    {
        var options = Options(connection);
        options.LoggerFactory = loggers;
        var multiplexer = ConnectionMultiplexer.Connect(options);
        // The client logs its handshake and its disconnects alike at Information, and appsettings turns that
        // category down to Warning: a lost and a restored connection are said here instead, once each.
        if (loggers?.CreateLogger(typeof(RedisMultiplexer)) is { } log)
        {
            // The client also says "restored" when a lazily opened connection (pub/sub) first connects: only a
            // connection that was said to be lost is said to be back.
            var lost = 0;
            multiplexer.ConnectionFailed += (_, e) =>
            {
                // Our own shutdown closes it too: nothing to warn about.
                if (e.FailureType == ConnectionFailureType.ConnectionDisposed) return;
                Interlocked.Exchange(ref lost, 1);
                LogConnectionFailed(log, e.EndPoint?.ToString() ?? "", e.ConnectionType.ToString(), e.FailureType.ToString());
            };
            multiplexer.ConnectionRestored += (_, e) =>
            {
                if (Interlocked.Exchange(ref lost, 0) == 1) LogConnectionRestored(log, e.EndPoint?.ToString() ?? "", e.ConnectionType.ToString());
            };
        }
        return multiplexer;
    }

    [LoggerMessage(EventId = 760, Level = LogLevel.Warning, Message = "Redis connection lost: {EndPoint} ({ConnectionType}, {FailureType}); reconnecting in the background")]
    private static partial void LogConnectionFailed(ILogger log, string endPoint, string connectionType, string failureType);

    [LoggerMessage(EventId = 761, Level = LogLevel.Information, Message = "Redis connection restored: {EndPoint} ({ConnectionType})")]
    private static partial void LogConnectionRestored(ILogger log, string endPoint, string connectionType);

    /// <summary>
    /// Whether <paramref name="e"/> says Redis is unavailable: a <see cref="RedisException"/> (no connection, an error
    /// reply) or a <see cref="RedisTimeoutException"/>, which is a <see cref="TimeoutException"/>, not a RedisException.
    /// </summary>
    public static bool IsUnavailable(Exception e) => e is RedisException or RedisTimeoutException;

    private static string ExpandTimeout(string connection) =>
        string.Join(',', connection.Split(',').Select(part =>
        {
            var eq = part.IndexOf('=');
            return eq > 0 && part[..eq].Trim().Equals("timeout", StringComparison.OrdinalIgnoreCase)
                ? $"syncTimeout={part[(eq + 1)..].Trim()},asyncTimeout={part[(eq + 1)..].Trim()}"
                : part;
        }));
}
