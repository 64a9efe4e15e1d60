namespace ZeroLagHub.Projections.Redis;

/// <summary>The bytes from the server are not RESP2; the connection is dropped and re-established.</summary>
public sealed class RedisProtocolException(string message) : RedisException(message);
