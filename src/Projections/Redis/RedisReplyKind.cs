namespace ZeroLagHub.Projections.Redis;

/// <summary>The RESP2 reply types. <see cref="Null"/> is both the null bulk string (<c>$-1</c>) and the null array (<c>*-1</c>).</summary>
public enum RedisReplyKind
{
    SimpleString,
    Error,
    Integer,
    BulkString,
    Array,
    Null,
}
