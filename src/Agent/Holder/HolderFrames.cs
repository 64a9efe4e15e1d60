using System.Buffers.Binary;
using System.Text.Json;

namespace ZeroLagHub.Agent.Holder;

/// <summary>Reads and writes <see cref="HolderFrameType"/> frames on a stream. One reader and one writer at a time (callers serialise).</summary>
public static class HolderFrames
{
    /// <summary>Larger frames are a protocol error: output is sent in PTY-read-sized chunks, replay is 64 KiB.</summary>
    public const int MaxPayload = 1024 * 1024;

    public static async ValueTask WriteAsync(Stream stream, HolderFrameType type, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = (byte)type;
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(1), payload.Length);
        payload.Span.CopyTo(frame.AsSpan(5));
        await stream.WriteAsync(frame, ct);   // one write per frame: nothing interleaves
    }

    public static ValueTask WriteJsonAsync<T>(Stream stream, HolderFrameType type, T value, CancellationToken ct) =>
        WriteAsync(stream, type, JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web), ct);

    /// <summary>The next frame, or null at a clean end of stream.</summary>
    /// <exception cref="InvalidDataException">A torn frame or a length past <see cref="MaxPayload"/>.</exception>
    public static async ValueTask<(HolderFrameType Type, byte[] Payload)?> ReadAsync(Stream stream, CancellationToken ct)
    {
        var header = new byte[5];
        var got = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, ct);
        if (got == 0) return null;
        if (got < header.Length) throw new InvalidDataException("holder socket: torn frame header");
        var length = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(1));
        if (length is < 0 or > MaxPayload) throw new InvalidDataException($"holder socket: frame of {length} bytes");
        var payload = new byte[length];
        await stream.ReadExactlyAsync(payload, ct);
        return ((HolderFrameType)header[0], payload);
    }

    public static T ParseJson<T>(byte[] payload) =>
        JsonSerializer.Deserialize<T>(payload, JsonSerializerOptions.Web) ?? throw new InvalidDataException($"holder socket: empty {typeof(T).Name}");
}
