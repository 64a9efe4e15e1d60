using ZeroLagHub.Domain.Servers;

namespace ZeroLagHub.Agent.Server;

/// <summary>Game-server supervision settings (configuration section <c>Server</c>, e.g. <c>ZLH_AGENT_Server__RestartDelays</c>).</summary>
public sealed class ServerOptions
{
    /// <summary>Seconds before the restart after the 1st, 2nd, … consecutive crash, comma separated; one crash more enters error.</summary>
    public string RestartDelays { get; set; } = "30,60,120";

    /// <summary>A run that stayed up this long after reaching running starts the crash count again.</summary>
    public int StableRunSeconds { get; set; } = 30;

    /// <summary>The cgroup (v2) directory whose <c>memory.events</c> tells of OOM kills; empty: the agent's own.</summary>
    public string CgroupDir { get; set; } = "";

    /// <summary>How long a started holder may take to open its socket.</summary>
    public int HolderStartTimeoutSeconds { get; set; } = 15;

    public RestartPolicy Policy() => new(
        [.. RestartDelays.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => TimeSpan.FromSeconds(double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)))],
        TimeSpan.FromSeconds(StableRunSeconds));
}
