namespace ZeroLagHub.Api.Tests.Auth;

/// <summary>
/// The system clock plus an offset a test moves forward: time still flows (timers stay real), and a test
/// can jump past a token's expiry or a lockout window without sleeping.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
