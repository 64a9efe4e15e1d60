using System.Globalization;
using System.Text;

namespace ZeroLagHub.Projections.Redis;

/// <summary>
/// One parsed RESP2 reply. A top-level error reply never reaches callers as a value (it becomes a
/// <see cref="RedisServerException"/>); errors nested in an array stay values of kind <see cref="RedisReplyKind.Error"/>.
/// </summary>
public sealed class RedisReply
{
    public static readonly RedisReply Nil = new(RedisReplyKind.Null, 0, null, null);
    internal static readonly RedisReply Ok = new(RedisReplyKind.SimpleString, 0, "OK"u8.ToArray(), null);
    private static readonly RedisReply[] SmallIntegers = Enumerable.Range(0, 16).Select(i => new RedisReply(RedisReplyKind.Integer, i, null, null)).ToArray();

    private readonly byte[]? _bytes;

    private RedisReply(RedisReplyKind kind, long integer, byte[]? bytes, RedisReply[]? items)
    {
        Kind = kind;
        Integer = integer;
        _bytes = bytes;
        Items = items ?? [];
    }

    public RedisReplyKind Kind { get; }

    /// <summary>The value of an integer reply; 0 for other kinds.</summary>
    public long Integer { get; }

    /// <summary>The elements of an array reply; empty for other kinds.</summary>
    public IReadOnlyList<RedisReply> Items { get; }

    public bool IsNull => Kind == RedisReplyKind.Null;

    /// <summary>The payload of a simple string, bulk string or error; empty for other kinds.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <summary>Strings and errors as UTF-8 text, integers in invariant digits, null as null.</summary>
    public string? AsString() => Kind switch
    {
        RedisReplyKind.Null => null,
        RedisReplyKind.Integer => Integer.ToString(CultureInfo.InvariantCulture),
        RedisReplyKind.Array => throw new InvalidCastException("an array reply has no string value; read Items"),
        _ => Encoding.UTF8.GetString(_bytes!),
    };

    public override string ToString() => Kind switch
    {
        RedisReplyKind.Null => "(nil)",
        RedisReplyKind.Array => $"[{string.Join(", ", Items)}]",
        RedisReplyKind.Error => $"(error) {AsString()}",
        _ => AsString()!,
    };

    internal static RedisReply SimpleString(byte[] text) =>
        text.AsSpan().SequenceEqual("OK"u8) ? Ok : new(RedisReplyKind.SimpleString, 0, text, null);

    internal static RedisReply Error(byte[] text) => new(RedisReplyKind.Error, 0, text, null);

    internal static RedisReply FromInteger(long value) =>
        value is >= 0 and < 16 ? SmallIntegers[value] : new(RedisReplyKind.Integer, value, null, null);

    internal static RedisReply BulkString(byte[] bytes) => new(RedisReplyKind.BulkString, 0, bytes, null);

    internal static RedisReply Array(RedisReply[] items) => new(RedisReplyKind.Array, 0, null, items);
}
