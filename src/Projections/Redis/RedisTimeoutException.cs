namespace ZeroLagHub.Projections.Redis;

/// <summary>
/// No reply within the command timeout. The command may still run on the server later: a write that timed
/// out is in an unknown state.
/// </summary>
public sealed class RedisTimeoutException(string message) : RedisException(message);
