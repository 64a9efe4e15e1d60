namespace ZeroLagHub.Api.Containers;

/// <summary>The body of a 202: the command's id, its container, and the deployment it opened (create, reprovision), else null.</summary>
public sealed record CommandAccepted(Guid CommandId, Guid ContainerId, Guid? DeploymentId);
