namespace ZeroLagHub.Domain.Servers;

/// <summary>The outcome of <see cref="RestartPolicy.AfterCrash"/>.</summary>
/// <param name="ConsecutiveCrashes">Including the crash just decided on.</param>
/// <param name="Delay">Restart after this long; null: enter error and restart no more until a user starts the server.</param>
public sealed record RestartDecision(int ConsecutiveCrashes, TimeSpan? Delay)
{
    public bool EntersError => Delay is null;
}
