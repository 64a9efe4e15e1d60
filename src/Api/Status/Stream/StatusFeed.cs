using System.Collections.Concurrent;
using StackExchange.Redis;
using ZeroLagHub.Projections.Multiplexer;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Api.Status.Stream;

/// <summary>
/// This node's one subscription to the status changes that every node publishes through Redis, fanned out
/// to the open status streams (<see cref="StatusListener"/>). Without Redis, or while its subscriber is
/// disconnected, <see cref="IsLive"/> is false and streams poll PostgreSQL instead; after a reconnect every
/// stream catches up from PostgreSQL, since pub/sub drops what was published meanwhile.
/// </summary>
public sealed partial class StatusFeed(ILogger<StatusFeed> log, IConnectionMultiplexer? redis = null) : IHostedService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal(LiveStatusCache.ChangesChannel);
    private readonly ConcurrentDictionary<StatusListener, byte> _listeners = new();

    // Set once Redis first held the subscription: connected is not subscribed, and until then changes are dropped.
    private volatile bool _held;
    private readonly CancellationTokenSource _stopping = new();

    public bool IsLive => _held && redis?.GetSubscriber().IsConnected(Channel) == true;

    public async Task StartAsync(CancellationToken ct)
    {
        if (redis is null) return;
        // Ends with the multiplexer, which the container disposes on shutdown.
        var subscription = LiveStatusCache.Subscribe(redis, Dispatch);
        redis.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType != ConnectionType.Subscription) return;
            // Once Redis holds the renewed subscription, every change committed after the catch-up's read is delivered
            // live. Not holding it within a minute (Redis gone again) still catches up; the next restore does so once more.
            _ = subscription.WaitLiveAsync(TimeSpan.FromMinutes(1), CancellationToken.None)
                .ContinueWith(_ => CatchUpAll(), TaskScheduler.Default);
        };
        try
        {
            await subscription.Confirmed.WaitAsync(ct);
            _held = true;
        }
        catch (Exception e) when (RedisMultiplexer.IsUnavailable(e))
        {
            // The subscription stays registered and takes effect when Redis answers (a slow first connection on a
            // busy machine, or Redis away); streams poll until then, and catch up once it is held.
            LogSubscribeDeferred(log, e.Message);
            _ = HoldLaterAsync(subscription);
        }
    }

    private async Task HoldLaterAsync(StatusSubscription subscription)
    {
        try
        {
            while (!await subscription.WaitLiveAsync(TimeSpan.FromMinutes(1), _stopping.Token)) { }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        _held = true;
        CatchUpAll();
    }

    public async Task StopAsync(CancellationToken ct) => await _stopping.CancelAsync();

    public StatusListener Listen(Guid? owner)
    {
        var listener = new StatusListener(owner);
        _listeners.TryAdd(listener, 0);
        return listener;
    }

    public void Leave(StatusListener listener) => _listeners.TryRemove(listener, out _);

    private void Dispatch(StatusChange change)
    {
        foreach (var listener in _listeners.Keys) listener.Offer(change);
    }

    private void CatchUpAll()
    {
        foreach (var listener in _listeners.Keys) listener.CatchUpLater();
    }

    [LoggerMessage(EventId = 730, Level = LogLevel.Warning, Message = "Status streams poll PostgreSQL until Redis answers: {Reason}")]
    private static partial void LogSubscribeDeferred(ILogger log, string reason);
}
