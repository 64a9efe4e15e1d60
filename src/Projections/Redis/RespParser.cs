using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace ZeroLagHub.Projections.Redis;

/// <summary>
/// Parses one RESP2 reply from the front of a buffer. Returns false, consuming nothing, while the reply is
/// incomplete; the caller waits for more bytes and tries again from the same start. Re-parsing a large
/// array that arrives in many reads costs some repeated work, which is fine for our small replies.
/// </summary>
internal static class RespParser
{
    // Redis' own proto-max-bulk-len default; anything larger is a corrupt stream, not data.
    private const long MaxBulkLength = 512L * 1024 * 1024;
    private const int MaxDepth = 32;

    public static bool TryParse(ReadOnlySequence<byte> buffer, out RedisReply reply, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (TryParse(ref reader, 0, out reply))
        {
            consumed = reader.Position;
            return true;
        }
        consumed = buffer.Start;
        return false;
    }

    private static bool TryParse(ref SequenceReader<byte> reader, int depth, out RedisReply reply)
    {
        reply = RedisReply.Nil;
        if (!reader.TryRead(out var prefix) || !reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8)) return false;
        switch (prefix)
        {
            case (byte)'+':
                reply = RedisReply.SimpleString(line.ToArray());
                return true;
            case (byte)'-':
                reply = RedisReply.Error(line.ToArray());
                return true;
            case (byte)':':
                reply = RedisReply.FromInteger(ParseInteger(line));
                return true;
            case (byte)'$':
                return TryParseBulk(ref reader, ParseInteger(line), out reply);
            case (byte)'*':
                return TryParseArray(ref reader, ParseInteger(line), depth, out reply);
            default:
                throw new RedisProtocolException($"unexpected RESP type byte 0x{prefix:x2}");
        }
    }

    private static bool TryParseBulk(ref SequenceReader<byte> reader, long length, out RedisReply reply)
    {
        reply = RedisReply.Nil;
        if (length == -1) return true;
        if (length is < 0 or > MaxBulkLength) throw new RedisProtocolException($"bulk string length {length} is out of range");
        if (reader.Remaining < length + 2) return false;
        var bytes = new byte[length];
        reader.TryCopyTo(bytes);
        reader.Advance(length);
        if (!reader.IsNext("\r\n"u8, advancePast: true)) throw new RedisProtocolException("bulk string is not followed by CRLF");
        reply = RedisReply.BulkString(bytes);
        return true;
    }

    private static bool TryParseArray(ref SequenceReader<byte> reader, long count, int depth, out RedisReply reply)
    {
        reply = RedisReply.Nil;
        if (count == -1) return true;
        if (count < 0 || count > int.MaxValue || depth >= MaxDepth) throw new RedisProtocolException($"array of {count} at depth {depth} is out of range");
        // The count comes from the wire: never pre-allocate more than the bytes present could hold.
        if (reader.Remaining < count) return false;
        var items = new RedisReply[count];
        for (var i = 0; i < items.Length; i++)
            if (!TryParse(ref reader, depth + 1, out items[i])) return false;
        reply = RedisReply.Array(items);
        return true;
    }

    private static long ParseInteger(ReadOnlySequence<byte> line)
    {
        Span<byte> copy = stackalloc byte[20];
        if (line.Length > copy.Length) throw new RedisProtocolException($"integer of {line.Length} bytes");
        var span = line.IsSingleSegment ? line.FirstSpan : copy[..(int)line.Length];
        if (!line.IsSingleSegment) line.CopyTo(copy);
        if (!Utf8Parser.TryParse(span, out long value, out var used) || used != span.Length)
            throw new RedisProtocolException($"'{Encoding.ASCII.GetString(span)}' is not an integer");
        return value;
    }
}
