namespace ZeroLagHub.Projections.Redis;

/// <summary>The server answered with an error reply (e.g. <c>WRONGTYPE …</c>); the connection is fine.</summary>
public sealed class RedisServerException(string message) : RedisException(message);
