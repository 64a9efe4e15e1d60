using System.Collections.Concurrent;
using StackExchange.Redis;
using ZeroLagHub.Projections.Multiplexer;

namespace ZeroLagHub.Projections.Status;

/// <summary>
/// This process's subscription to the status changes every node publishes (<see cref="LiveStatusCache.Subscribe"/>),
/// with a proof that Redis holds it. The multiplexer renews a subscription after a reconnect with a fire-and-forget
/// SUBSCRIBE that may take effect after ConnectionRestored is raised, and Redis drops what is published to a
/// channel nobody is subscribed to: so a probe is published on the channel until it comes back through this very
/// subscription. From then on every change published is delivered; one published before is already in PostgreSQL.
/// </summary>
public sealed class StatusSubscription
{
    /// <summary>What a probe's message starts with; no status change does (those are JSON objects).</summary>
    private const string ProbePrefix = "probe:";

    private static readonly TimeSpan ProbeEvery = TimeSpan.FromMilliseconds(100);

    private readonly ISubscriber _subscriber;
    private readonly RedisChannel _channel;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _probes = new();

    internal StatusSubscription(IConnectionMultiplexer redis, RedisChannel channel, Action<StatusChange> onChange)
    {
        _subscriber = redis.GetSubscriber();
        _channel = channel;
        Queue = _subscriber.Subscribe(channel, CommandFlags.FireAndForget);
        Queue.OnMessage(message =>
        {
            if (StatusChange.TryParse(message.Message) is { } change) onChange(change);
            else if (_probes.TryGetValue((string?)message.Message ?? "", out var probe)) probe.TrySetResult();
        });
    }

    /// <summary>The subscription's queue; unsubscribe through it.</summary>
    public ChannelMessageQueue Queue { get; }

    /// <summary>Completes once Redis holds the subscription; throws when it did not within the command timeout.</summary>
    public Task Confirmed { get; internal set; } = Task.CompletedTask;

    /// <summary>
    /// Whether Redis held the subscription within <paramref name="within"/>: a probe published (again and again, as
    /// one published before the renewed SUBSCRIBE is dropped) came back through it. Other nodes ignore probes.
    /// </summary>
    public async Task<bool> WaitLiveAsync(TimeSpan within, CancellationToken ct)
    {
        var probe = ProbePrefix + Guid.NewGuid().ToString("N");
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _probes[probe] = received;
        try
        {
            var deadline = DateTime.UtcNow + within;
            do
            {
                // A refused or timed-out probe proves nothing either way: publish again until the deadline.
                try { await _subscriber.PublishAsync(_channel, probe).ConfigureAwait(false); }
                catch (Exception e) when (RedisMultiplexer.IsUnavailable(e)) { }
                var wait = TimeSpan.FromTicks(Math.Clamp((deadline - DateTime.UtcNow).Ticks, 0, ProbeEvery.Ticks));
                if (await received.Task.WaitAsync(wait, ct)
                        .ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default).ConfigureAwait(false))
                    return true;
                ct.ThrowIfCancellationRequested();
            } while (DateTime.UtcNow < deadline);
            return false;
        }
        finally
        {
            _probes.TryRemove(probe, out _);
        }
    }
}
