using ZeroLagHub.EventStore.Queue;

namespace ZeroLagHub.EventStore.Tests.Queue;

public sealed class RetryBackoffTests
{
    private static readonly RetryBackoff Backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

    [Theory]
    [InlineData(1, 0.5, 1.0)]
    [InlineData(2, 1.0, 2.0)]
    [InlineData(3, 2.0, 4.0)]
    [InlineData(7, 30.0, 60.0)]
    [InlineData(40, 30.0, 60.0)]
    public void DelayIsBetweenHalfAndAllOfTheDoubledCappedBackoff(int failedAttempt, double leastSeconds, double mostSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(leastSeconds), Backoff.Delay(failedAttempt, 0));
        Assert.Equal(TimeSpan.FromSeconds(mostSeconds), Backoff.Delay(failedAttempt, 1));
    }

    [Fact]
    public void BelowTheCapEveryDelayIsAtLeastTheLongestPreviousOneWhateverTheJitter()
    {
        // 1, 2, 4, ... 32 s uncapped; the 7th would be 64 s, past the 60 s cap.
        for (var n = 1; n < 6; n++)
            Assert.True(Backoff.Delay(n + 1, 0) >= Backoff.Delay(n, 1), $"after failure {n + 1}");
    }

    [Fact]
    public void AtTheCapDelaysStayBetweenHalfAndAllOfIt()
    {
        for (var n = 7; n < 100; n += 13)
        {
            Assert.InRange(Backoff.Delay(n, 0.3), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));
        }
    }

    [Fact]
    public void FirstFailureIsNotAnAttemptNumber()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.Delay(0, 0.5));
    }
}
