using System.Buffers.Binary;
using System.Net.Sockets;

namespace ZeroLagHub.Agent.Holder;

/// <summary>
/// The agent's end of a holder's socket. Reads are done by one loop (the supervisor's); writes from any
/// thread are serialised here. Disposing closes only the connection: the holder and server go on.
/// </summary>
public sealed class HolderConnection : IAsyncDisposable
{
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    private HolderConnection(NetworkStream stream, HolderHello hello)
    {
        _stream = stream;
        Hello = hello;
    }

    public HolderHello Hello { get; }

    /// <summary>Connects and reads the hello; null when no holder listens there (none, or a stale socket file).</summary>
    public static async Task<HolderConnection?> TryConnectAsync(HolderPaths paths, CancellationToken ct)
    {
        if (!File.Exists(paths.Socket)) return null;
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using (var address = new UnixSocketAddress(paths.Socket)) await socket.ConnectAsync(address.EndPoint, ct);
            var stream = new NetworkStream(socket, ownsSocket: true);
            if (await HolderFrames.ReadAsync(stream, ct) is not (HolderFrameType.Hello, var payload))
            {
                await stream.DisposeAsync();
                return null;   // the holder was just finishing
            }
            return new HolderConnection(stream, HolderFrames.ParseJson<HolderHello>(payload));
        }
        catch (Exception e) when (e is SocketException or IOException or InvalidDataException)
        {
            socket.Dispose();
            return null;
        }
    }

    /// <summary>The next frame; null when the holder closed the connection.</summary>
    public async ValueTask<(HolderFrameType Type, byte[] Payload)?> ReadAsync(CancellationToken ct)
    {
        try { return await HolderFrames.ReadAsync(_stream, ct); }
        catch (Exception e) when (e is IOException or InvalidDataException or ObjectDisposedException) { return null; }
    }

    public ValueTask SendInputAsync(ReadOnlyMemory<byte> input, CancellationToken ct) => SendAsync(HolderFrameType.Input, input, ct);

    public ValueTask ResizeAsync(int rows, int cols, CancellationToken ct)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(payload, (ushort)Math.Clamp(rows, 1, ushort.MaxValue));
        BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(2), (ushort)Math.Clamp(cols, 1, ushort.MaxValue));
        return SendAsync(HolderFrameType.Resize, payload, ct);
    }

    public ValueTask SignalAsync(int signal, CancellationToken ct)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(payload, signal);
        return SendAsync(HolderFrameType.Signal, payload, ct);
    }

    public ValueTask MarkStopRequestedAsync(CancellationToken ct) => SendAsync(HolderFrameType.StopRequested, ReadOnlyMemory<byte>.Empty, ct);

    /// <summary>Sends one frame. A holder that is gone is no error here (it may exit at any moment): its exit arrives on the read side.</summary>
    private async ValueTask SendAsync(HolderFrameType type, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try { await HolderFrames.WriteAsync(_stream, type, payload, ct); }
        catch (Exception e) when (e is IOException or ObjectDisposedException) { }
        finally { _writeLock.Release(); }
    }

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync();
}
