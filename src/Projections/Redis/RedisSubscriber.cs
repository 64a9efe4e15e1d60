using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ZeroLagHub.Projections.Redis;

/// <summary>
/// The pub/sub side: its own connection (a subscribed RESP2 connection cannot run other commands), which
/// keeps every subscription across reconnects. Pub/sub is at-most-once: messages published while the
/// connection is down are lost, which is what <see cref="Reconnected"/> is for.
/// </summary>
public sealed class RedisSubscriber : IAsyncDisposable, IDisposable
{
    private const string Role = "subscriber";
    // A paused or partitioned server sends no FIN; without a heartbeat the subscriber would wait forever.
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SilenceLimit = TimeSpan.FromSeconds(15);

    private readonly RedisOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<Subscription, Action<RedisMessage>[]> _handlers = [];
    private readonly Dictionary<Subscription, TaskCompletionSource> _confirmations = [];
    private readonly Task _loop;
    private volatile Link? _link;

    public RedisSubscriber(RedisOptions options, ILogger<RedisSubscriber>? logger = null, TimeProvider? time = null)
    {
        _options = options;
        _logger = logger ?? NullLogger<RedisSubscriber>.Instance;
        _time = time ?? TimeProvider.System;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Raised after a reconnect, once every subscription is confirmed again. Messages published while the
    /// connection was down are lost: a consumer re-reads the state it mirrors (re-snapshots) here. Not raised
    /// for the first connection.
    /// </summary>
    public event Action? Reconnected;

    public bool IsConnected => _link is not null;

    /// <summary>
    /// Calls <paramref name="handler"/> for every message on <paramref name="channel"/>, from now on and after
    /// every reconnect. Handlers run on the receive loop, one message at a time: keep them quick and hand work
    /// off. Completes once the server confirmed the subscription; throws <see cref="RedisTimeoutException"/>
    /// when that takes longer than the command timeout (e.g. Redis is down); the subscription stays
    /// registered either way and takes effect when the connection is back.
    /// </summary>
    public Task SubscribeAsync(string channel, Action<RedisMessage> handler, CancellationToken cancellationToken = default) =>
        AddAsync(new Subscription(false, channel), handler, cancellationToken);

    /// <summary>PSUBSCRIBE: like <see cref="SubscribeAsync"/> for every channel matching a glob pattern.</summary>
    public Task PatternSubscribeAsync(string pattern, Action<RedisMessage> handler, CancellationToken cancellationToken = default) =>
        AddAsync(new Subscription(true, pattern), handler, cancellationToken);

    private async Task AddAsync(Subscription subscription, Action<RedisMessage> handler, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subscription.Name);
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        Task confirmed;
        lock (_gate)
        {
            _handlers[subscription] = [.. _handlers.GetValueOrDefault(subscription, []), handler];
            confirmed = Confirmation(subscription);
        }
        // Registered before reading _link: the connect loop sets _link before it snapshots the subscriptions,
        // so a subscription is sent by us, by the loop, or by both (harmless), never by neither.
        if (_link is { } link)
        {
            try
            {
                await link.SendAsync([subscription.Command, subscription.Name]).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The link just died; the next connection subscribes.
            }
        }
        try
        {
            await confirmed.WaitAsync(_options.CommandTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new RedisTimeoutException($"{subscription.Command} {subscription.Name} was not confirmed by {_options.EndPoint} within {_options.CommandTimeout.TotalMilliseconds:0} ms; it applies once the connection is back");
        }
    }

    // Caller holds _gate.
    private Task Confirmation(Subscription subscription)
    {
        if (!_confirmations.TryGetValue(subscription, out var pending))
            _confirmations[subscription] = pending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return pending.Task;
    }

    private async Task RunAsync()
    {
        var delay = _options.MinReconnectDelay;
        var connectedBefore = false;
        while (!_stopping.IsCancellationRequested)
        {
            Socket? socket = null;
            CancellationTokenSource? linkAlive = null;
            try
            {
                socket = await RedisSocket.ConnectAsync(_options, _stopping.Token).ConfigureAwait(false);
                var link = new Link(socket, PipeReader.Create(new NetworkStream(socket, ownsSocket: false)), _time);
                await AuthenticateAsync(link).ConfigureAwait(false);

                linkAlive = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                var receiving = ReceiveAsync(link);
                var heartbeat = HeartbeatAsync(link, linkAlive.Token);
                _link = link;
                Subscription[] subscriptions;
                Task[] confirmations;
                lock (_gate)
                {
                    subscriptions = [.. _handlers.Keys];
                    confirmations = [.. subscriptions.Select(Confirmation)];
                }
                foreach (var subscription in subscriptions)
                    await link.SendAsync([subscription.Command, subscription.Name]).ConfigureAwait(false);
                await Task.WhenAll(confirmations).WaitAsync(_options.CommandTimeout, _time, _stopping.Token).ConfigureAwait(false);

                _logger.Connected(Role, _options.EndPoint);
                delay = _options.MinReconnectDelay;
                if (connectedBefore) RaiseReconnected();
                connectedBefore = true;

                var reason = await receiving.ConfigureAwait(false);
                await linkAlive.CancelAsync().ConfigureAwait(false);
                await heartbeat.ConfigureAwait(false);
                if (!_stopping.IsCancellationRequested) _logger.ConnectionLost(Role, _options.EndPoint, reason.Message);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                _logger.ConnectFailed(Role, _options.EndPoint, delay, e.Message);
            }
            finally
            {
                _link = null;
                // Ends the heartbeat and, by closing the socket, the receive loop, also when we got here by an exception.
                linkAlive?.Cancel();
                linkAlive?.Dispose();
                socket?.Dispose();
            }

            try
            {
                await Task.Delay(delay, _time, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
        }
    }

    private async Task AuthenticateAsync(Link link)
    {
        if (_options.AuthArguments is not { } auth) return;
        await link.SendAsync(["AUTH", .. auth]).ConfigureAwait(false);
        var reply = await link.ReadAsync().AsTask().WaitAsync(_options.ConnectTimeout, _time, _stopping.Token).ConfigureAwait(false);
        if (reply is null || reply.Kind == RedisReplyKind.Error)
            throw new RedisConnectionException($"{_options.EndPoint} refused AUTH: {reply?.AsString() ?? "connection closed"}");
    }

    /// <summary>Dispatches until the link dies; returns why it died (never throws).</summary>
    private async Task<Exception> ReceiveAsync(Link link)
    {
        try
        {
            while (await link.ReadAsync().ConfigureAwait(false) is { } reply)
            {
                if (reply.Kind == RedisReplyKind.Error) throw new RedisServerException(reply.AsString()!);
                if (reply.Kind != RedisReplyKind.Array || reply.Items.Count < 2) continue;
                var items = reply.Items;
                switch (items[0].AsString())
                {
                    case "message" when items.Count == 3:
                        Dispatch(new Subscription(false, items[1].AsString()!), new RedisMessage(items[1].AsString()!, items[2].Bytes));
                        break;
                    case "pmessage" when items.Count == 4:
                        var pattern = items[1].AsString()!;
                        Dispatch(new Subscription(true, pattern), new RedisMessage(items[2].AsString()!, items[3].Bytes, pattern));
                        break;
                    case "subscribe":
                        Confirm(new Subscription(false, items[1].AsString()!));
                        break;
                    case "psubscribe":
                        Confirm(new Subscription(true, items[1].AsString()!));
                        break;
                }
            }
            return new RedisConnectionException("the server closed the connection");
        }
        catch (Exception e)
        {
            return e;
        }
        finally
        {
            link.Close();
            await link.CompleteInputAsync().ConfigureAwait(false);
        }
    }

    private async Task HeartbeatAsync(Link link, CancellationToken alive)
    {
        try
        {
            while (true)
            {
                await Task.Delay(HeartbeatInterval, _time, alive).ConfigureAwait(false);
                if (_time.GetElapsedTime(link.LastReceived) > SilenceLimit)
                {
                    link.Close(); // the receive loop then reports the connection lost
                    return;
                }
                await link.SendAsync(["PING"]).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private void Dispatch(Subscription subscription, RedisMessage message)
    {
        Action<RedisMessage>[]? handlers;
        lock (_gate) handlers = _handlers.GetValueOrDefault(subscription);
        foreach (var handler in handlers ?? [])
        {
            try
            {
                handler(message);
            }
            catch (Exception e)
            {
                _logger.HandlerFailed(message.Channel, e);
            }
        }
    }

    private void Confirm(Subscription subscription)
    {
        TaskCompletionSource? pending;
        lock (_gate)
        {
            _confirmations.Remove(subscription, out pending);
        }
        pending?.TrySetResult();
    }

    private void RaiseReconnected()
    {
        try
        {
            Reconnected?.Invoke();
        }
        catch (Exception e)
        {
            _logger.ReconnectedCallbackFailed(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        _stopping.Cancel();
        _link?.Close();
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private readonly record struct Subscription(bool IsPattern, string Name)
    {
        public string Command => IsPattern ? "PSUBSCRIBE" : "SUBSCRIBE";
    }

    /// <summary>One socket of the subscriber: serialised writes, one reader.</summary>
    private sealed class Link(Socket socket, PipeReader input, TimeProvider time)
    {
        private readonly SemaphoreSlim _writeLock = new(1, 1);

        public long LastReceived { get; private set; } = time.GetTimestamp();

        public async Task SendAsync(RedisArgument[] args)
        {
            var frame = new ArrayBufferWriter<byte>(64);
            RespWriter.WriteCommand(frame, args);
            await _writeLock.WaitAsync().ConfigureAwait(false);
            try
            {
                await socket.SendAsync(frame.WrittenMemory, SocketFlags.None).ConfigureAwait(false);
            }
            finally
            {
                _writeLock.Release();
            }
        }

        /// <summary>The next reply, or null when the server closed the connection.</summary>
        public async ValueTask<RedisReply?> ReadAsync()
        {
            while (true)
            {
                var result = await input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                if (RespParser.TryParse(buffer, out var reply, out var consumed))
                {
                    input.AdvanceTo(consumed);
                    LastReceived = time.GetTimestamp();
                    return reply;
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled) return null;
            }
        }

        public void Close() => socket.Dispose();

        public ValueTask CompleteInputAsync() => input.CompleteAsync();
    }
}
