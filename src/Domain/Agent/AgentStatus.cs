using ZeroLagHub.Domain.Servers;

namespace ZeroLagHub.Domain.Agent;

/// <summary><c>GET /status</c>: what runs in the container, as the agent (the authority on it) sees it.</summary>
/// <param name="Server">Game servers only: the supervised process.</param>
/// <param name="Resources">Of the container's cgroup where present, else of the agent's process tree.</param>
/// <param name="JournalId">Changes when the container was restored from a snapshot or the vmid reused.</param>
/// <param name="JournalSeq">The latest journal entry (0 for none).</param>
public sealed record AgentStatus(
    Guid ContainerId,
    int Vmid,
    ContainerKind Kind,
    bool RuntimeInstalled,
    string? Runtime,
    string? RuntimeVersion,
    string? RuntimeInstallPath,
    bool DevProvisioned,
    DateTimeOffset? DevReadyAt,
    string WorkspaceRoot,
    string ServerRoot,
    bool CodeServerInstalled,
    bool CodeServerRunning,
    string? LastCrashClassification,
    ServerProcessStatus? Server,
    ResourceUsage Resources,
    Guid JournalId,
    long JournalSeq);

/// <param name="State">offline, starting, running, stopping, crashed or error.</param>
/// <param name="LastCrash">The most recent crash (kept across restarts of the server and of the agent).</param>
/// <param name="ConsecutiveCrashes">Crashes since the last run that stayed up long enough, or the last user start.</param>
/// <param name="RestartAt">When the restart after a crash is due; null when none is scheduled.</param>
public sealed record ServerProcessStatus(
    string State,
    int? Pid,
    double? UptimeSeconds,
    ServerCrash? LastCrash = null,
    int ConsecutiveCrashes = 0,
    DateTimeOffset? RestartAt = null);

/// <param name="Source">"cgroup" or "process" (the agent's own process tree, when no cgroup files are readable).</param>
public sealed record ResourceUsage(string Source, long MemoryBytes, double CpuSeconds);
