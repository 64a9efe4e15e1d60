namespace ZeroLagHub.Domain.Servers;

/// <summary>
/// What to do after a game server crashed: restart after a growing delay, or give up (<c>error</c>)
/// once <see cref="Delays"/> are used up. Pure: the caller measures how long the run stayed up.
/// </summary>
/// <param name="Delays">The delay before the restart after the 1st, 2nd, … consecutive crash; one crash more than it lists enters error.</param>
/// <param name="StableRun">
/// A run that stayed up at least this long <b>after reaching running</b> was a success: its crash starts
/// the count again. Counting from running, not from start, keeps a mod that crashes 45 s into loading
/// from looping forever.
/// </param>
public sealed record RestartPolicy(IReadOnlyList<TimeSpan> Delays, TimeSpan StableRun)
{
    /// <summary>30 s, 60 s, 120 s; the fourth consecutive crash enters error; 30 s running resets.</summary>
    public static RestartPolicy Default { get; } =
        new([TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120)], TimeSpan.FromSeconds(30));

    /// <param name="previousCrashes">Consecutive crashes before this one.</param>
    /// <param name="runningFor">How long the run that crashed had been running; null when it never reached running.</param>
    public RestartDecision AfterCrash(int previousCrashes, TimeSpan? runningFor)
    {
        var crashes = runningFor >= StableRun ? 1 : previousCrashes + 1;
        return crashes <= Delays.Count
            ? new RestartDecision(crashes, Delays[crashes - 1])
            : new RestartDecision(crashes, null);
    }
}
