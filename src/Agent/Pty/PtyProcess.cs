using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;
using static ZeroLagHub.Agent.Pty.Native.PtyLibc;

namespace ZeroLagHub.Agent.Pty;

/// <summary>
/// A child process on its own pseudo-terminal (see <see cref="PtySpawner"/> for how it is started).
/// </summary>
/// <remarks>
/// Two dedicated threads per process, because both calls block and must not hold thread-pool threads:
/// a reader that polls the master and queues what it reads (a bounded queue: a consumer that stops reading
/// eventually stops the child's writes, as a real terminal would), and a waiter that reaps ONLY this pid
/// (never wait()/waitpid(-1): the runtime fails fast when its own children are reaped by others).
/// The master is a <see cref="SafeFileHandle"/> ref-counted around every call, so disposal can never close
/// a descriptor number that a running read or write then reuses.
/// </remarks>
public sealed class PtyProcess : IAsyncDisposable
{
    private const int ReadChunk = 16 * 1024;
    private const int PollIntervalMs = 200;

    private readonly SafeFileHandle _master;
    private readonly Channel<byte[]> _output = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly TaskCompletionSource<PtyExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _disposing = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Lock _reapLock = new();
    private bool _reaped;
    private byte[]? _pending;
    private int _pendingOffset;
    private int _disposed;

    private PtyProcess(int master, int pid, string slavePath)
    {
        _master = new SafeFileHandle(master, ownsHandle: true);
        Pid = pid;
        TerminalPath = slavePath;
        new Thread(ReadLoop) { IsBackground = true, Name = $"pty-read-{pid}" }.Start();
        new Thread(WaitLoop) { IsBackground = true, Name = $"pty-wait-{pid}" }.Start();
    }

    /// <summary>Starts <paramref name="info"/>'s program on a new PTY; throws <see cref="IOException"/> when it cannot.</summary>
    public static PtyProcess Start(PtyStartInfo info)
    {
        var (master, pid, slavePath) = PtySpawner.Spawn(info);
        return new PtyProcess(master, pid, slavePath);
    }

    /// <summary>The child's pid; it is a session leader, so also its process group id.</summary>
    public int Pid { get; }

    /// <summary>The slave's path (<c>/dev/pts/N</c>), for diagnostics; the agent never opens it.</summary>
    public string TerminalPath { get; }

    /// <summary>Completes when the child has exited and been reaped, with its real status.</summary>
    public Task<PtyExit> Exited => _exited.Task;

    /// <summary>
    /// Reads the terminal's output. 0: the terminal is gone (every process holding the slave has closed
    /// it, normally because the child exited) and everything it wrote has been read. One reader at a time.
    /// </summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct)
    {
        while (_pending is null)
        {
            if (_output.Reader.TryRead(out var chunk)) { _pending = chunk; _pendingOffset = 0; break; }
            if (!await _output.Reader.WaitToReadAsync(ct)) return 0;
        }
        var n = Math.Min(buffer.Length, _pending.Length - _pendingOffset);
        _pending.AsSpan(_pendingOffset, n).CopyTo(buffer.Span);
        _pendingOffset += n;
        if (_pendingOffset == _pending.Length) _pending = null;
        return n;
    }

    /// <summary>
    /// Writes input to the terminal. Waits (asynchronously) while the child's input queue is full.
    /// Throws <see cref="IOException"/> once the terminal is gone.
    /// </summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> input, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            while (!input.IsEmpty)
            {
                var written = WriteSome(input.Span, out var errno);
                if (written > 0) input = input[written..];
                else if (errno == EAGAIN) await Task.Delay(2, ct);   // the line discipline's input buffer is full
                else if (errno != EINTR) throw new IOException($"pty: write failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Sets the window size; the kernel sends SIGWINCH to the terminal's foreground process group.</summary>
    public void Resize(int rows, int cols)
    {
        var added = false;
        _master.DangerousAddRef(ref added);
        try { PtySpawner.SetSize((int)_master.DangerousGetHandle(), rows, cols); }
        finally { if (added) _master.DangerousRelease(); }
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to the child's process group (a launcher script and the server it
    /// starts both get it). A no-op once the child has been reaped, so a recycled pid is never signalled.
    /// NOTE: an interactive shell puts each job in its own group; to reach those, write ^C to the terminal.
    /// </summary>
    public void Signal(int signal)
    {
        lock (_reapLock)
        {
            if (!_reaped) kill(-Pid, signal);
        }
    }

    /// <summary>Closes the master (the child gets SIGHUP) and, if the child is still alive after a grace period, kills its group.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _disposing.Cancel();
        _master.Dispose();
        Signal(SIGHUP);
        if (await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(2))) != Exited) Signal(SIGKILL);
        await Exited;
        _disposing.Dispose();
    }

    private int WriteSome(ReadOnlySpan<byte> data, out int errno)
    {
        var added = false;
        _master.DangerousAddRef(ref added);   // throws ObjectDisposedException once disposed
        try
        {
            var n = (int)write((int)_master.DangerousGetHandle(), ref MemoryMarshal.GetReference(data), (nuint)data.Length);
            errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
            return n;
        }
        finally
        {
            if (added) _master.DangerousRelease();
        }
    }

    private void ReadLoop()
    {
        var buffer = new byte[ReadChunk];
        var poll = new PollFd[1];
        try
        {
            while (!_disposing.IsCancellationRequested)
            {
                var chunk = ReadOnce(buffer, poll, out var gone);
                if (gone) break;
                if (chunk is null) continue;
                // Blocks this thread (not the pool) while the consumer is behind; ends on disposal.
                while (!_output.Writer.TryWrite(chunk))
                    if (!_output.Writer.WaitToWriteAsync(_disposing.Token).AsTask().GetAwaiter().GetResult()) return;
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
        finally
        {
            _output.Writer.TryComplete();
        }
    }

    /// <summary>One poll + read. Null: nothing yet. <paramref name="gone"/>: EOF or EIO, the slave side is closed for good.</summary>
    private byte[]? ReadOnce(byte[] buffer, PollFd[] poll, out bool gone)
    {
        gone = false;
        var added = false;
        _master.DangerousAddRef(ref added);
        try
        {
            var fd = (int)_master.DangerousGetHandle();
            poll[0] = new PollFd { Fd = fd, Events = POLLIN };
            if (Native.PtyLibc.poll(poll, 1, PollIntervalMs) <= 0) return null;
            var n = (int)read(fd, buffer, (nuint)buffer.Length);
            if (n > 0) return buffer.AsSpan(0, n).ToArray();
            var errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
            gone = n == 0 || (errno != EAGAIN && errno != EINTR);   // EIO: the last slave holder closed it
            return null;
        }
        finally
        {
            if (added) _master.DangerousRelease();
        }
    }

    private void WaitLoop()
    {
        var info = Marshal.AllocHGlobal(OpaqueSize);
        try
        {
            // Wait WITHOUT reaping first, so Signal() can never hit a pid the kernel has already recycled.
            while (waitid(P_PID, Pid, info, WEXITED | WNOWAIT) != 0)
            {
                if (Marshal.GetLastPInvokeError() == EINTR) continue;
                _exited.TrySetResult(new PtyExit(null, null));
                return;
            }
            int status;
            int result;
            lock (_reapLock)
            {
                do result = waitpid(Pid, out status, 0);
                while (result < 0 && Marshal.GetLastPInvokeError() == EINTR);
                _reaped = true;
            }
            _exited.TrySetResult(result == Pid ? PtyExit.FromWaitStatus(status) : new PtyExit(null, null));
        }
        finally
        {
            Marshal.FreeHGlobal(info);
        }
    }
}
