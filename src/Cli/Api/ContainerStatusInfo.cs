namespace ZeroLagHub.Cli.Api;

/// <summary>A container's live status (<c>GET /api/servers/{id}/status</c>, and each document of the status stream).</summary>
/// <param name="Stale">Read from PostgreSQL because Redis was unavailable (the single-container read only).</param>
public sealed record ContainerStatusInfo(
    Guid ContainerId, string Kind, string State, string Lifecycle, string Server, string? Runtime, string? RuntimeVersion,
    bool CodeServerRunning, CrashInfo? LastCrash, int RestartCount, bool AgentOnline, Guid? CurrentDeploymentId,
    string? Error, string? ServerError, DateTimeOffset ChangedAt, bool? Stale);

/// <summary>The last crash a status shows.</summary>
public sealed record CrashInfo(DateTimeOffset At, int? ExitCode, int? Signal, string Classification);
