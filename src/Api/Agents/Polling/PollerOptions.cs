namespace ZeroLagHub.Api.Agents.Polling;

/// <summary>The <c>Poller</c> configuration section.</summary>
public sealed class PollerOptions
{
    /// <summary>Off in tests that drive cycles themselves or want no background polling.</summary>
    public bool Enabled { get; set; } = true;

    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Agents polled at once by this node.</summary>
    public int MaxConcurrency { get; set; } = 64;

    /// <summary>For each HTTP call to an agent; a slower agent counts as a failed poll.</summary>
    public TimeSpan AgentTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Journal entries read per request; a longer backlog is read over several requests in one cycle, up to <see cref="MaxPagesPerCycle"/>.</summary>
    public int JournalPageSize { get; set; } = 500;

    public int MaxPagesPerCycle { get; set; } = 4;
}
