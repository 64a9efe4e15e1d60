using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Domain.Deployments;

/// <summary>
/// The stages a deployment runs, in order. Recorded in <see cref="DeploymentQueued"/>, so a later
/// change to the plan never rewrites how an old deployment is read.
/// </summary>
public static class DeploymentPlan
{
    public static IReadOnlyList<DeploymentStage> Dev { get; } =
    [
        DeploymentStage.CreateContainer, DeploymentStage.WaitForAgent, DeploymentStage.InstallRuntime,
        DeploymentStage.InstallAddons, DeploymentStage.StartCodeServer, DeploymentStage.Ready,
    ];

    public static IReadOnlyList<DeploymentStage> Game { get; } =
    [
        DeploymentStage.CreateContainer, DeploymentStage.WaitForAgent, DeploymentStage.InstallRuntime,
        DeploymentStage.InstallServerFiles, DeploymentStage.StartServer,
    ];

    public static IReadOnlyList<DeploymentStage> For(ContainerKind kind) => kind == ContainerKind.Game ? Game : Dev;

    /// <summary>The stable stored name (<c>install_runtime</c>) for messages and logs.</summary>
    public static string Name(DeploymentStage stage) => stage switch
    {
        DeploymentStage.CreateContainer => "create_container",
        DeploymentStage.WaitForAgent => "wait_for_agent",
        DeploymentStage.InstallRuntime => "install_runtime",
        DeploymentStage.InstallAddons => "install_addons",
        DeploymentStage.StartCodeServer => "start_code_server",
        DeploymentStage.Ready => "ready",
        DeploymentStage.InstallServerFiles => "install_server_files",
        DeploymentStage.StartServer => "start_server",
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
    };
}
