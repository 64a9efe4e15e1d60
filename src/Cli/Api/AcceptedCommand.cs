namespace ZeroLagHub.Cli.Api;

/// <summary>The 202 of every container command.</summary>
public sealed record AcceptedCommand(Guid CommandId, Guid ContainerId, Guid? DeploymentId);
