namespace ZeroLagHub.Cli.Api;

/// <param name="Name">A string, not the Domain's DeploymentStage: an older zlh still shows a stage a newer API adds.</param>
/// <param name="Status"><c>pending</c>, <c>running</c>, <c>succeeded</c> or <c>failed</c>.</param>
public sealed record DeploymentStageInfo(
    string Name, string Status, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, double? DurationSeconds, string? Error,
    IReadOnlyList<string> LogTail);
