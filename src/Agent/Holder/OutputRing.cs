namespace ZeroLagHub.Agent.Holder;

/// <summary>The last <c>capacity</c> bytes of terminal output, replayed to an agent that (re)attaches. Not thread-safe.</summary>
public sealed class OutputRing(int capacity)
{
    private readonly byte[] _buffer = new byte[capacity];
    private long _written;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.Length >= _buffer.Length) data = data[^_buffer.Length..];
        var start = (int)(_written % _buffer.Length);
        var first = Math.Min(data.Length, _buffer.Length - start);
        data[..first].CopyTo(_buffer.AsSpan(start));
        data[first..].CopyTo(_buffer);
        _written += data.Length;
    }

    /// <summary>The retained bytes, oldest first. May start mid-line (or mid-escape): terminals cope.</summary>
    public byte[] Snapshot()
    {
        var length = (int)Math.Min(_written, _buffer.Length);
        var result = new byte[length];
        var start = (int)((_written - length) % _buffer.Length);
        var first = Math.Min(length, _buffer.Length - start);
        _buffer.AsSpan(start, first).CopyTo(result);
        _buffer.AsSpan(0, length - first).CopyTo(result.AsSpan(first));
        return result;
    }
}
