using System.Globalization;
using System.Text;

namespace ZeroLagHub.Projections.Redis;

/// <summary>One command argument, sent as a RESP bulk string. Converts implicitly from string, bytes and integers.</summary>
public readonly struct RedisArgument
{
    private readonly string? _text;
    private readonly ReadOnlyMemory<byte> _bytes;

    private RedisArgument(string? text, ReadOnlyMemory<byte> bytes)
    {
        _text = text;
        _bytes = bytes;
    }

    public static implicit operator RedisArgument(string text) => new(text ?? throw new ArgumentNullException(nameof(text)), default);

    public static implicit operator RedisArgument(byte[] bytes) => new(null, bytes ?? throw new ArgumentNullException(nameof(bytes)));

    public static implicit operator RedisArgument(ReadOnlyMemory<byte> bytes) => new(null, bytes);

    public static implicit operator RedisArgument(long value) => new(value.ToString(CultureInfo.InvariantCulture), default);

    internal int ByteCount => _text is null ? _bytes.Length : Encoding.UTF8.GetByteCount(_text);

    internal int CopyTo(Span<byte> destination) =>
        _text is null ? CopyBytes(destination) : Encoding.UTF8.GetBytes(_text, destination);

    private int CopyBytes(Span<byte> destination)
    {
        _bytes.Span.CopyTo(destination);
        return _bytes.Length;
    }

    public override string ToString() => _text ?? $"<{_bytes.Length} bytes>";
}
