namespace ZeroLagHub.Agent.Console;

/// <summary>A token bucket on an injected clock: <see cref="TryTake"/> succeeds while the average rate stays under <c>perSecond</c> after a burst of <c>burst</c>.</summary>
internal sealed class TokenBucket(double perSecond, double burst, TimeProvider clock)
{
    private readonly double _burst = burst;
    private double _tokens = burst;
    private long _stamp = clock.GetTimestamp();

    /// <summary>Takes <paramref name="amount"/> tokens if all are there; otherwise takes none.</summary>
    public bool TryTake(double amount)
    {
        var now = clock.GetTimestamp();
        _tokens = Math.Min(_burst, _tokens + clock.GetElapsedTime(_stamp, now).TotalSeconds * perSecond);
        _stamp = now;
        if (_tokens < amount) return false;
        _tokens -= amount;
        return true;
    }
}
