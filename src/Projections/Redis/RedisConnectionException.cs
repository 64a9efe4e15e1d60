namespace ZeroLagHub.Projections.Redis;

/// <summary>
/// The connection is down (or dropped while the command was in flight); the client is reconnecting in the
/// background. A write that failed this way may or may not have been applied.
/// </summary>
public sealed class RedisConnectionException(string message, Exception? inner = null) : RedisException(message, inner);
