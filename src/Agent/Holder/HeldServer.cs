using System.Buffers.Binary;
using System.Threading.Channels;
using ZeroLagHub.Agent.Pty;

namespace ZeroLagHub.Agent.Holder;

/// <summary>
/// The holder's live state: the PTY, its replay ring and log tail, and the connected agents (normally
/// one; two briefly while an old agent goes and a new one comes). One lock orders "append to the ring"
/// against "snapshot the ring for a new agent", so an attaching agent sees every byte exactly once.
/// </summary>
internal sealed class HeldServer(PtyProcess pty, HolderHello hello, int replayBytes)
{
    /// <summary>Frames queued for one agent; past this it is too far behind and is dropped.</summary>
    private const int MaxQueuedFrames = 4096;

    private readonly Lock _gate = new();
    private readonly OutputRing _ring = new(replayBytes);
    private readonly LogTail _tail = new();
    private readonly List<Channel<(HolderFrameType, byte[])>> _agents = [];
    private readonly List<Task> _writers = [];
    private volatile bool _stopRequested;

    public bool StopRequested => _stopRequested;

    public IReadOnlyList<string> TailLines() { lock (_gate) return _tail.Lines(); }

    public async Task PumpAsync()
    {
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = await pty.ReadAsync(buffer, CancellationToken.None)) > 0)
        {
            var chunk = buffer.AsSpan(0, n).ToArray();
            lock (_gate)
            {
                _ring.Append(chunk);
                _tail.Feed(chunk);
                // An agent that fell this far behind would miss output: it is closed, reconnects and gets the replay.
                foreach (var behind in _agents.Where(a => !a.Writer.TryWrite((HolderFrameType.Output, chunk))).ToList())
                {
                    _agents.Remove(behind);
                    behind.Writer.TryComplete();
                }
            }
        }
    }

    /// <summary>One agent: hello and replay, then its input until it goes.</summary>
    public async Task ServeAsync(Stream stream)
    {
        var queue = Channel.CreateBounded<(HolderFrameType, byte[])>(
            new BoundedChannelOptions(MaxQueuedFrames) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        Task writer;
        lock (_gate)
        {
            queue.Writer.TryWrite((HolderFrameType.Hello, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(hello, System.Text.Json.JsonSerializerOptions.Web)));
            queue.Writer.TryWrite((HolderFrameType.Replay, _ring.Snapshot()));
            _agents.Add(queue);
            writer = WriteLoopAsync(stream, queue);
            _writers.Add(writer);
        }
        try
        {
            while (await HolderFrames.ReadAsync(stream, CancellationToken.None) is var (type, payload))
                await HandleAsync(type, payload);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ObjectDisposedException) { }
        finally
        {
            lock (_gate) _agents.Remove(queue);
            queue.Writer.TryComplete();
        }
    }

    /// <summary>Sends the exit to every agent, waits (bounded) for their queues to drain, and closes them.</summary>
    public async Task FinishAsync(HolderExit exit, TimeSpan timeout)
    {
        Task[] writers;
        lock (_gate)
        {
            var payload = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(exit, System.Text.Json.JsonSerializerOptions.Web);
            foreach (var agent in _agents)
            {
                agent.Writer.TryWrite((HolderFrameType.Exit, payload));
                agent.Writer.TryComplete();
            }
            writers = [.. _writers];
        }
        await Task.WhenAny(Task.WhenAll(writers), Task.Delay(timeout));
    }

    private async Task HandleAsync(HolderFrameType type, byte[] payload)
    {
        switch (type)
        {
            case HolderFrameType.Input:
                await pty.WriteAsync(payload, CancellationToken.None);
                break;
            case HolderFrameType.Resize when payload.Length == 4:
                var (rows, cols) = HolderProgram.ParseResize(payload);
                pty.Resize(rows, cols);
                break;
            case HolderFrameType.Signal when payload.Length == 4:
                pty.Signal(BinaryPrimitives.ReadInt32LittleEndian(payload));
                break;
            case HolderFrameType.StopRequested:
                _stopRequested = true;
                break;
            default:
                throw new InvalidDataException($"holder socket: unexpected frame {type}");
        }
    }

    private static async Task WriteLoopAsync(Stream stream, Channel<(HolderFrameType, byte[])> queue)
    {
        try
        {
            await foreach (var (type, payload) in queue.Reader.ReadAllAsync())
                await HolderFrames.WriteAsync(stream, type, payload, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException) { }
        finally
        {
            await stream.DisposeAsync();
        }
    }
}
