namespace ZeroLagHub.Projections.Redis;

/// <summary>Base of every failure the Redis client reports.</summary>
public abstract class RedisException(string message, Exception? inner = null) : Exception(message, inner);
