using System.IO.Pipelines;
using System.Net.Sockets;

namespace ZeroLagHub.Projections.Redis;

/// <summary>
/// One live socket of a <see cref="RedisConnection"/>: commands from any number of callers are written in
/// order and their replies matched in order. A session never recovers: once it fails, every pending and
/// later command fails with <see cref="RedisConnectionException"/> and the owner opens a new one.
/// </summary>
/// <remarks>
/// The writer lock covers "write the frame, enqueue its completion", so the queue order is the wire order
/// and the single reader loop can complete replies FIFO. Frames go into an in-memory pipe that a send loop
/// drains to the socket: callers that arrive while a send is under way are batched into the next send,
/// which is where pipelining gets its throughput.
/// </remarks>
internal sealed class RedisSession : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly string _endPoint;
    private readonly Pipe _outbound = new(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
    private readonly PipeReader _input;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Queue<TaskCompletionSource<RedisReply>> _pending = new();
    private readonly TaskCompletionSource<Exception> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _failure; // guarded by _pending
    private Task _loops = Task.CompletedTask;

    private RedisSession(Socket socket, string endPoint)
    {
        _socket = socket;
        _endPoint = endPoint;
        _input = PipeReader.Create(new NetworkStream(socket, ownsSocket: false), new StreamPipeReaderOptions(bufferSize: 16 * 1024));
    }

    /// <summary>Completes with the reason once the session is dead.</summary>
    public Task<Exception> Closed => _closed.Task;

    /// <summary>Connects and authenticates; the session is ready for commands when this returns.</summary>
    public static async Task<RedisSession> ConnectAsync(RedisOptions options, CancellationToken cancellationToken)
    {
        var session = new RedisSession(await RedisSocket.ConnectAsync(options, cancellationToken).ConfigureAwait(false), options.EndPoint);
        session._loops = Task.WhenAll(session.SendLoopAsync(), session.ReceiveLoopAsync());
        if (options.AuthArguments is not { } auth) return session;
        try
        {
            var reply = await session.SendAsync(["AUTH", .. auth], options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            await reply.WaitAsync(options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch (Exception e)
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw e is RedisServerException ? new RedisConnectionException($"{options.EndPoint} refused AUTH: {e.Message}") : e;
        }
    }

    /// <summary>
    /// Writes one command and returns the task of its reply (error replies fault it with
    /// <see cref="RedisServerException"/>). Throws <see cref="RedisConnectionException"/> when the session is dead
    /// and <see cref="RedisTimeoutException"/> when the write lock is not free within <paramref name="timeout"/>.
    /// </summary>
    public async ValueTask<Task<RedisReply>> SendAsync(RedisArgument[] args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!await _writeLock.WaitAsync(timeout, cancellationToken).ConfigureAwait(false))
            throw new RedisTimeoutException($"{args[0]}: the connection to {_endPoint} was not writable within {timeout.TotalMilliseconds:0} ms");
        try
        {
            var reply = new TaskCompletionSource<RedisReply>(TaskCreationOptions.RunContinuationsAsynchronously);
            RespWriter.WriteCommand(_outbound.Writer, args);
            lock (_pending)
            {
                // A frame written after the failure goes nowhere: the send loop is gone.
                if (_failure is not null) throw Lost(_failure);
                _pending.Enqueue(reply);
            }
            // Not cancellable: the frame is already queued and will be sent either way.
            await _outbound.Writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            return reply.Task;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task SendLoopAsync()
    {
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        var reader = _outbound.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled) break;
                foreach (var segment in result.Buffer)
                    await _socket.SendAsync(segment, SocketFlags.None).ConfigureAwait(false);
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) break;
            }
            Fail(new RedisConnectionException("session closed"));
        }
        catch (Exception e)
        {
            Fail(e);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                while (RespParser.TryParse(buffer, out var reply, out var consumed))
                {
                    buffer = buffer.Slice(consumed);
                    Complete(reply);
                }
                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                    throw new RedisConnectionException(buffer.IsEmpty ? "the server closed the connection" : "the server closed the connection mid-reply");
            }
        }
        catch (Exception e)
        {
            Fail(e);
        }
        finally
        {
            await _input.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void Complete(RedisReply reply)
    {
        TaskCompletionSource<RedisReply>? pending;
        lock (_pending) _pending.TryDequeue(out pending);
        if (pending is null) throw new RedisProtocolException($"a reply arrived with no command waiting for it: {reply}");
        if (reply.Kind == RedisReplyKind.Error) pending.TrySetException(new RedisServerException(reply.AsString()!));
        else pending.TrySetResult(reply);
    }

    private void Fail(Exception reason)
    {
        TaskCompletionSource<RedisReply>[] abandoned;
        lock (_pending)
        {
            if (_failure is not null) return;
            _failure = reason;
            abandoned = [.. _pending];
            _pending.Clear();
        }
        foreach (var pending in abandoned) pending.TrySetException(Lost(reason));
        // Wake both loops: the socket read fails once disposed, the idle send loop needs the cancel.
        _outbound.Reader.CancelPendingRead();
        _socket.Dispose();
        _closed.TrySetResult(reason);
    }

    private RedisConnectionException Lost(Exception reason) => new($"connection to {_endPoint} lost: {reason.Message}", reason);

    public async ValueTask DisposeAsync()
    {
        Fail(new RedisConnectionException("closed by the client"));
        // The write lock is not disposed: a caller may still be waiting on it and must get the failure, not ObjectDisposedException.
        await _loops.ConfigureAwait(false);
    }
}
