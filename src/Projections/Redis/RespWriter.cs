using System.Buffers;
using System.Buffers.Text;

namespace ZeroLagHub.Projections.Redis;

/// <summary>Encodes a command as a RESP2 array of bulk strings (<c>*N\r\n$len\r\narg\r\n…</c>) straight into the output buffer.</summary>
internal static class RespWriter
{
    public static void WriteCommand(IBufferWriter<byte> output, ReadOnlySpan<RedisArgument> args)
    {
        if (args.IsEmpty) throw new ArgumentException("a command needs at least its name", nameof(args));
        WriteHeader(output, (byte)'*', args.Length);
        foreach (var arg in args)
        {
            var length = arg.ByteCount;
            WriteHeader(output, (byte)'$', length);
            var span = output.GetSpan(length + 2);
            arg.CopyTo(span);
            span[length] = (byte)'\r';
            span[length + 1] = (byte)'\n';
            output.Advance(length + 2);
        }
    }

    private static void WriteHeader(IBufferWriter<byte> output, byte prefix, int value)
    {
        // prefix + at most 10 digits + CRLF
        var span = output.GetSpan(13);
        span[0] = prefix;
        Utf8Formatter.TryFormat(value, span[1..], out var digits);
        span[1 + digits] = (byte)'\r';
        span[2 + digits] = (byte)'\n';
        output.Advance(3 + digits);
    }
}
