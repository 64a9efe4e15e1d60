using ZeroLagHub.EventStore.Queue;

namespace ZeroLagHub.EventStore.Tests.Queue;

public sealed class WakeUpSignalTests
{
    [Fact]
    public void PulseWakesOneWaiterNotAll()
    {
        var signal = new WakeUpSignal();
        using var a = signal.Register();
        using var b = signal.Register();

        signal.Pulse();

        Assert.True(a.Woken.IsCompletedSuccessfully);
        Assert.False(b.Woken.IsCompleted);
    }

    [Fact]
    public void PulseWithNobodyWaitingIsKeptForTheNextWaiter()
    {
        var signal = new WakeUpSignal();
        signal.Pulse();

        using var late = signal.Register();

        Assert.True(late.Woken.IsCompletedSuccessfully);
    }

    [Fact]
    public void PulsesWhileAWokenWorkerHasNotLookedYetAreDropped()
    {
        var signal = new WakeUpSignal();
        var a = signal.Register();
        using var b = signal.Register();
        signal.Pulse();

        // a's next look covers this one.
        signal.Pulse();
        Assert.False(b.Woken.IsCompleted);

        // a looks (disposes) and waits again: the next pulse is new information.
        a.Dispose();
        signal.Pulse();
        Assert.True(b.Woken.IsCompletedSuccessfully);
    }

    [Fact]
    public void WaiterThatLeftUnwokenDoesNotSwallowAPulse()
    {
        var signal = new WakeUpSignal();
        var gone = signal.Register();
        using var waiting = signal.Register();
        gone.Dispose();

        signal.Pulse();

        Assert.True(gone.Woken.IsCanceled);
        Assert.True(waiting.Woken.IsCompletedSuccessfully);
    }

    [Fact]
    public void DisposingTwiceReleasesTheWakeUpOnce()
    {
        var signal = new WakeUpSignal();
        var a = signal.Register();
        signal.Pulse();
        a.Dispose();
        a.Dispose();

        // Had the second dispose counted, the signal would believe nobody is woken twice over and
        // still wake exactly one here; check that the one pulse wakes one, and the next is dropped.
        using var b = signal.Register();
        using var c = signal.Register();
        signal.Pulse();
        signal.Pulse();
        Assert.True(b.Woken.IsCompletedSuccessfully);
        Assert.False(c.Woken.IsCompleted);
    }
}
