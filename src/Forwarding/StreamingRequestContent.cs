using System.Net;

namespace ZeroLagHub.Forwarding;

/// <summary>
/// The client's request body, copied to the next hop as it arrives (never buffered). Remembers which side
/// failed, so a client that aborts an upload is told apart from a next hop that stops reading.
/// </summary>
internal sealed class StreamingRequestContent(Stream clientBody, CancellationToken clientAborted) : HttpContent
{
    private readonly TaskCompletionSource<(StreamCopyResult, Exception?)> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Started { get; private set; }

    /// <summary>Completes when the body has been copied, or the copy failed (never faults).</summary>
    public Task<(StreamCopyResult Result, Exception? Error)> Completion => _done.Task;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken ct)
    {
        Started = true;
        using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, clientAborted);
        var outcome = await StreamCopier.CopyAsync(clientBody, stream, both.Token);
        _done.TrySetResult(outcome);
        // HttpClient must see the failure too, or it would send a truncated body as if complete.
        if (outcome.Result != StreamCopyResult.Success) throw new IOException("request body copy failed", outcome.Item2);
    }

    protected override bool TryComputeLength(out long length)
    {
        // Content-Length, when the client sent one, is copied as a header; otherwise the body goes chunked.
        length = -1;
        return false;
    }
}
