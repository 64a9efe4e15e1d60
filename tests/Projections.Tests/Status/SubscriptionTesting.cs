using System.Threading.Channels;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Projections.Tests.Status;

internal static class SubscriptionTesting
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Waits until Redis holds the subscription, for tests that publish right after subscribing. Not
    /// <see cref="StatusSubscription.Confirmed"/>: its deadline is the command timeout (1 s), and the first SUBSCRIBE
    /// rides a pub/sub connection made lazily, which a loaded machine can take longer to open (CI caught it twice).
    /// </summary>
    public static async Task<StatusSubscription> LiveAsync(this StatusSubscription subscription)
    {
        _ = subscription.Confirmed.ContinueWith(t => t.Exception, TaskScheduler.Default);
        Assert.True(await subscription.WaitLiveAsync(HangGuard, default), "the subscription was not live within 30 s");
        return subscription;
    }

    /// <summary>The next item, awaited: a thread blocked in a test is one the multiplexer's completions wait for.</summary>
    public static async Task<T> TakeAsync<T>(this Channel<T> items) => await items.Reader.ReadAsync().AsTask().WaitAsync(HangGuard);
}
