namespace ZeroLagHub.Cli.Api;

/// <summary>A container's live status (<c>GET /api/servers/{id}/status</c>, and each document of the status stream).</summary>
/// <param name="Stale">Read from PostgreSQL because Redis was unavailable (the single-container read only).</param>
/// <param name="RestartAt">While restarting after a crash: when the supervisor starts the server again.</param>
public sealed record ContainerStatusInfo(
    Guid ContainerId, string Kind, string State, string Lifecycle, string Server, string? Runtime, string? RuntimeVersion,
    bool CodeServerRunning, CrashInfo? LastCrash, int RestartCount, bool AgentOnline, Guid? CurrentDeploymentId,
    string? Error, string? ServerError, DateTimeOffset ChangedAt, bool? Stale, DateTimeOffset? RestartAt = null);

/// <summary>The last crash a status shows.</summary>
public sealed record CrashInfo(DateTimeOffset At, int? ExitCode, int? Signal, string Classification);
