using System.Threading.Channels;
using ZeroLagHub.Agent.Console;

namespace ZeroLagHub.Agent.Server;

/// <summary>
/// The game server's console as the console sessions see it: output pushed by the supervisor (which
/// reads the holder's socket and also scans the lines), input forwarded to the holder. Typing the stop
/// command marks the run's exit as asked for BEFORE the line reaches the server, so it cannot race the
/// exit. Reads end (0) when the run ends; disposing it leaves the server running.
/// </summary>
internal sealed class ServerConsoleTerminal(ServerRun run, StopCommandWatcher? stopWatcher) : IConsoleTerminal
{
    // Output a console session has not read yet; the oldest goes first if it falls this far behind, so
    // the supervisor (ready line, crash tail) never waits for a console.
    private readonly Channel<byte[]> _output = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(4096) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.DropOldest });
    private readonly SemaphoreSlim _inputLock = new(1, 1);
    private byte[]? _pending;
    private int _offset;

    /// <summary>Queues output for the console; an empty chunk (an empty replay) is dropped, since a 0-byte read means "gone".</summary>
    public void Push(byte[] output)
    {
        if (output.Length > 0) _output.Writer.TryWrite(output);
    }

    public void Complete() => _output.Writer.TryComplete();

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct)
    {
        while (_pending is null)
        {
            if (_output.Reader.TryRead(out var chunk)) { (_pending, _offset) = (chunk, 0); break; }
            if (!await _output.Reader.WaitToReadAsync(ct)) return 0;
        }
        var n = Math.Min(buffer.Length, _pending.Length - _offset);
        _pending.AsSpan(_offset, n).CopyTo(buffer.Span);
        _offset += n;
        if (_offset == _pending.Length) _pending = null;
        return n;
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> input, CancellationToken ct)
    {
        await _inputLock.WaitAsync(ct);   // the watcher follows one ordered stream of keystrokes
        try
        {
            if (stopWatcher?.Feed(input.Span) == true) await run.RequestStopAsync();
            if (run.Holder is { } holder) await holder.SendInputAsync(input, ct);
        }
        finally
        {
            _inputLock.Release();
        }
    }

    public void Resize(int rows, int cols) => run.Holder?.ResizeAsync(rows, cols, CancellationToken.None).AsTask();

    public ValueTask DisposeAsync()
    {
        Complete();
        return ValueTask.CompletedTask;
    }
}
