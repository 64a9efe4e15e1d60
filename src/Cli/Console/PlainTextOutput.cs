namespace ZeroLagHub.Cli.Consoles;

/// <summary>
/// A console's output as plain text, for stdout that is not a terminal (a pipe, a file): the container's terminal
/// writes escape sequences for a terminal that is not there (bash's <c>ESC[?2004h</c>, colours, cursor moves,
/// window titles) and CR LF line ends. This drops the sequences — CSI (<c>ESC [</c> … final byte), OSC
/// (<c>ESC ]</c> … BEL or <c>ESC \</c>), and the other <c>ESC</c> forms — turns CR LF into LF and drops a CR at the
/// start of a line. A sequence split
/// across writes is followed across them. ESC never occurs inside a UTF-8 character, so text passes byte for byte.
/// </summary>
public sealed class PlainTextOutput(Stream inner) : Stream
{
    private const byte Esc = 0x1b, Bel = 0x07, Cr = (byte)'\r', Lf = (byte)'\n';

    private enum State { Text, Escape, EscapeIntermediate, Csi, Osc, OscEscape }

    private State _state = State.Text;
    private bool _heldCr;
    private bool _lineStart = true;

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var output = new byte[buffer.Length + 1];
        var n = 0;
        foreach (var b in buffer)
        {
            switch (_state)
            {
                case State.Text when b == Esc:
                    _state = State.Escape;
                    break;
                case State.Text:
                    // A CR waits for the next byte: before LF it goes, and at the start of a line it does nothing (bash
                    // writes one after its prompt's sequences); otherwise (a progress line's return) it stays.
                    if (_heldCr && b != Lf && !_lineStart) output[n++] = Cr;
                    _heldCr = b == Cr;
                    if (_heldCr) break;
                    output[n++] = b;
                    _lineStart = b == Lf;
                    break;
                case State.Escape:
                    _state = b switch
                    {
                        (byte)'[' => State.Csi,
                        (byte)']' => State.Osc,
                        >= 0x20 and <= 0x2f => State.EscapeIntermediate,   // ESC ( B and the like: one more byte
                        _ => State.Text,                                   // ESC =, ESC >, ESC 7 …: two bytes in all
                    };
                    break;
                case State.EscapeIntermediate when b is >= 0x30 and <= 0x7e:
                case State.Csi when b is >= 0x40 and <= 0x7e:
                    _state = State.Text;
                    break;
                case State.Osc when b == Bel:
                    _state = State.Text;
                    break;
                case State.Osc when b == Esc:
                    _state = State.OscEscape;
                    break;
                case State.OscEscape:
                    _state = b == (byte)'\\' ? State.Text : State.Osc;
                    break;
            }
        }
        if (n > 0) inner.Write(output, 0, n);
    }

    public override void Flush() => inner.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (_heldCr && !_lineStart) inner.Write([Cr]);
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
