namespace ZeroLagHub.Bench;

/// <summary>How appends wake Marten's async daemon, for the append and latency benchmarks' before/after.</summary>
internal enum WakeupMode
{
    /// <summary>As the API runs: one coalesced NOTIFY after commits (<c>AppendNotifier</c>).</summary>
    Coalesced,

    /// <summary>Marten's <c>UseListenNotifyForEventAppends</c>: a NOTIFY inside every append transaction (the API before issue 18's fix).</summary>
    PerAppend,

    /// <summary>No NOTIFY at all (append benchmark only: the floor of what waking costs).</summary>
    None,
}

internal static class WakeupModeOption
{
    public const string Name = "--wakeup";
    public const string Help = "--wakeup coalesced|per-append|none";

    public static WakeupMode Parse(Options options) => options.Text(Name, "coalesced") switch
    {
        "coalesced" => WakeupMode.Coalesced,
        "per-append" => WakeupMode.PerAppend,
        "none" => WakeupMode.None,
        var other => throw new UsageException($"{Name} takes coalesced (as the API runs), per-append (Marten's NOTIFY in every append) or none, not '{other}'"),
    };
}
