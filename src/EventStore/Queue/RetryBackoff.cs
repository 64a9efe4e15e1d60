namespace ZeroLagHub.EventStore.Queue;

/// <summary>
/// Exponential backoff with "equal jitter": after the n-th failed delivery the next one waits a random
/// time in [d/2, d], where d = <see cref="Initial"/> · 2^(n-1), capped at <see cref="Max"/>.
/// </summary>
/// <remarks>
/// Half fixed, half random: the jitter spreads retries of messages that failed together (an agent that
/// was down for everyone), while the fixed half keeps each wait at least as long as the previous one's
/// longest, so the backoff really grows instead of occasionally collapsing to zero (full jitter).
/// Once the doubling reaches <see cref="Max"/> the waits stay in [Max/2, Max].
/// </remarks>
public sealed record RetryBackoff(TimeSpan Initial, TimeSpan Max)
{
    public static RetryBackoff Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

    /// <summary>The wait before the delivery after failed delivery number <paramref name="failedAttempt"/> (≥ 1).</summary>
    /// <param name="random">A value in [0, 1), e.g. <see cref="Random.NextDouble"/>; passed in so tests pick it.</param>
    public TimeSpan Delay(int failedAttempt, double random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempt, 1);
        // 2^30 · any sensible Initial is past any sensible Max; the clamp keeps the shift from overflowing.
        var full = Initial.Ticks * Math.Pow(2, Math.Min(failedAttempt - 1, 30));
        var capped = Math.Min(full, Max.Ticks);
        return TimeSpan.FromTicks((long)(capped / 2 + capped / 2 * Math.Clamp(random, 0, 1)));
    }
}
