using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;

namespace ZeroLagHub.Cli.Consoles;

/// <summary>
/// stdin as a queue of <see cref="InputEvent"/>s, filled by one background thread for the whole command, so a
/// connection can come and go (a reconnect) without losing what was typed meanwhile. Whoever sends an event
/// peeks at it first and takes it only once it was sent. The reader stops at the detach key or the end of
/// input, which stay queued last; while more than <see cref="MaxQueuedBytes"/> wait, it stops reading
/// (piped input that outruns the connection is held back in the pipe, not in memory).
/// </summary>
internal sealed class TerminalInput
{
    private const int MaxQueuedBytes = 1024 * 1024;

    private readonly Channel<InputEvent> _events = Channel.CreateUnbounded<InputEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _detached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();   // Monitor.Wait needs a plain object (not a Lock)
    private readonly Stream _stdin;
    private readonly DetachKey? _detachKey;
    private long _queuedBytes;

    private TerminalInput(Stream stdin, DetachKey? detachKey)
    {
        _stdin = stdin;
        _detachKey = detachKey;
    }

    public ChannelReader<InputEvent> Events => _events.Reader;

    /// <summary>Completes when the detach key has been typed (for waits that are not reading <see cref="Events"/>).</summary>
    public Task Detached => _detached.Task;

    /// <summary>
    /// Starts reading stdin. A terminal is read straight from fd 0 (Console's own stdin stream on a terminal
    /// edits lines); piped input through Console. The detach key is looked for only when <paramref name="detachKey"/> is given.
    /// </summary>
    public static TerminalInput Start(bool terminal, DetachKey? detachKey)
    {
        var stdin = terminal ? new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 0) : Console.OpenStandardInput();
        var input = new TerminalInput(stdin, detachKey);
        new Thread(input.Pump) { IsBackground = true, Name = "zlh console stdin" }.Start();
        return input;
    }

    /// <summary>Queues a resize (from the SIGWINCH handler).</summary>
    public void Resized() => _events.Writer.TryWrite(new InputEvent.Resized());

    /// <summary>Takes the event that <see cref="ChannelReader{T}.TryPeek"/> showed, once it has been sent.</summary>
    public void Sent()
    {
        if (!_events.Reader.TryRead(out var sent) || sent is not InputEvent.Keys keys) return;
        lock (_gate)
        {
            _queuedBytes -= keys.Bytes.Length;
            Monitor.PulseAll(_gate);
        }
    }

    private void Pump()
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            int read;
            try { read = _stdin.Read(buffer); }
            catch (IOException) { read = 0; }
            if (read == 0)
            {
                _events.Writer.TryWrite(new InputEvent.End());
                return;
            }
            var chunk = buffer.AsSpan(0, read);
            var at = _detachKey is { } key ? chunk.IndexOf(key.Code) : -1;
            if (at >= 0)
            {
                if (at > 0) Queue(chunk[..at].ToArray());
                _events.Writer.TryWrite(new InputEvent.Detach());
                _detached.TrySetResult();
                return;
            }
            Queue(chunk.ToArray());
        }
    }

    private void Queue(byte[] bytes)
    {
        lock (_gate)
        {
            while (_queuedBytes >= MaxQueuedBytes) Monitor.Wait(_gate);
            _queuedBytes += bytes.Length;
        }
        _events.Writer.TryWrite(new InputEvent.Keys(bytes));
    }
}
