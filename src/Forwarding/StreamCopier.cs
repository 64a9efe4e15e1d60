using System.Buffers;

namespace ZeroLagHub.Forwarding;

/// <summary>Which side of a copy failed, so the forwarder can name the failing leg.</summary>
internal enum StreamCopyResult
{
    Success,
    InputError,
    OutputError,
    Canceled,
}

/// <summary>
/// Copies one stream to another through one pooled buffer, flushing after every write: nothing is
/// buffered beyond a single read, so a 50 MB body costs 64 KB and a WebSocket frame is not held back.
/// </summary>
internal static class StreamCopier
{
    private const int BufferSize = 64 * 1024;

    public static async ValueTask<(StreamCopyResult Result, Exception? Error)> CopyAsync(Stream input, Stream output, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await input.ReadAsync(buffer.AsMemory(), ct);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    return (ct.IsCancellationRequested ? StreamCopyResult.Canceled : StreamCopyResult.InputError, e);
                }
                if (read == 0) return (StreamCopyResult.Success, null);
                try
                {
                    await output.WriteAsync(buffer.AsMemory(0, read), ct);
                    await output.FlushAsync(ct);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    return (ct.IsCancellationRequested ? StreamCopyResult.Canceled : StreamCopyResult.OutputError, e);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
