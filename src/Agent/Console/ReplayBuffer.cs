namespace ZeroLagHub.Agent.Console;

/// <summary>
/// The last <c>capacity</c> bytes of a terminal's output, replayed to a socket on attach (as Coder's
/// reconnecting PTY does). NOTE: the replay can begin inside an escape sequence or a UTF-8 character;
/// terminals recover at the next sequence, which is the accepted cost of a byte ring. Not thread-safe: the session locks.
/// </summary>
internal sealed class ReplayBuffer(int capacity)
{
    private readonly byte[] _ring = new byte[capacity];
    private int _start;
    private int _length;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (capacity == 0) return;
        if (data.Length >= capacity)
        {
            data[^capacity..].CopyTo(_ring);
            (_start, _length) = (0, capacity);
            return;
        }
        var end = (_start + _length) % capacity;
        var first = Math.Min(data.Length, capacity - end);
        data[..first].CopyTo(_ring.AsSpan(end));
        data[first..].CopyTo(_ring);
        var overflow = Math.Max(0, _length + data.Length - capacity);
        _start = (_start + overflow) % capacity;
        _length = Math.Min(capacity, _length + data.Length);
    }

    public byte[] Snapshot()
    {
        var copy = new byte[_length];
        var first = Math.Min(_length, capacity - _start);
        _ring.AsSpan(_start, first).CopyTo(copy);
        _ring.AsSpan(0, _length - first).CopyTo(copy.AsSpan(first));
        return copy;
    }
}
