using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace ZeroLagHub.Agent.Console;

/// <summary>
/// One attached socket: a queue the session's reader loop fills without ever waiting, and the socket's
/// single writer, which drains it. The queue is bounded by bytes: a client more than
/// <see cref="ConsoleOptions.ClientQueueBytes"/> behind is dropped with a close reason saying so, so a slow
/// client never holds back the PTY or the other clients.
/// </summary>
internal sealed class ConsoleClient(WebSocket socket, ConsoleOptions options)
{
    private readonly Channel<(ReadOnlyMemory<byte> Data, WebSocketMessageType Type)> _queue =
        Channel.CreateUnbounded<(ReadOnlyMemory<byte>, WebSocketMessageType)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _sendCancel = new();
    private long _queuedBytes;
    private volatile bool _abandoned;
    private bool _closed;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeReason = "";

    public WebSocket Socket => socket;

    /// <summary>Set once the client has been closed for falling behind.</summary>
    public bool TooSlow { get; private set; }

    /// <summary>Queues terminal output (shared, never modified afterwards). False once the client is closed or just fell too far behind.</summary>
    public bool TryEnqueue(ReadOnlyMemory<byte> output)
    {
        if (Interlocked.Add(ref _queuedBytes, output.Length) > options.ClientQueueBytes)
        {
            TooSlow = true;
            Close(WebSocketCloseStatus.PolicyViolation,
                $"console client too slow: more than {options.ClientQueueBytes} bytes of output queued; reconnect to resume", abandonQueue: true);
            return false;
        }
        return _queue.Writer.TryWrite((output, WebSocketMessageType.Binary));
    }

    /// <summary>Queues a control message (JSON text frame).</summary>
    public void EnqueueControl(string json) => _queue.Writer.TryWrite((Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text));

    /// <summary>
    /// Ends the socket: the writer sends what is queued (unless <paramref name="abandonQueue"/>), then a close
    /// frame with <paramref name="reason"/>; a socket that cannot take it within the grace period is aborted.
    /// </summary>
    public void Close(WebSocketCloseStatus status, string reason, bool abandonQueue = false)
    {
        lock (_queue)
        {
            if (_closed) return;
            (_closed, _closeStatus, _closeReason) = (true, status, reason);
        }
        if (abandonQueue) _abandoned = true;
        _queue.Writer.TryComplete();
        _sendCancel.CancelAfter(options.CloseGrace);
    }

    /// <summary>The socket's one writer; returns when the socket is closed or broken.</summary>
    public async Task RunWriterAsync()
    {
        try
        {
            var reader = _queue.Reader;
            while (!_abandoned && await reader.WaitToReadAsync())
            {
                while (!_abandoned && reader.TryRead(out var frame))
                {
                    await socket.SendAsync(frame.Data, frame.Type, endOfMessage: true, _sendCancel.Token);
                    if (frame.Type == WebSocketMessageType.Binary) Interlocked.Add(ref _queuedBytes, -frame.Data.Length);
                }
            }
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(_closeStatus, _closeReason, _sendCancel.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A broken or stalled socket: nothing more to say to it.
            socket.Abort();
        }
    }
}
