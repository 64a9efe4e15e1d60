using System.Text.Json.Serialization;

namespace ZeroLagHub.Domain.Deployments;

/// <summary>
/// One step of provisioning. Stored as the snake_case names below, which never change once written
/// (deployment history and its filters use them).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeploymentStage>))]
public enum DeploymentStage
{
    [JsonStringEnumMemberName("create_container")] CreateContainer,
    [JsonStringEnumMemberName("wait_for_agent")] WaitForAgent,
    [JsonStringEnumMemberName("install_runtime")] InstallRuntime,
    [JsonStringEnumMemberName("install_addons")] InstallAddons,
    [JsonStringEnumMemberName("start_code_server")] StartCodeServer,
    [JsonStringEnumMemberName("ready")] Ready,
    [JsonStringEnumMemberName("install_server_files")] InstallServerFiles,
    [JsonStringEnumMemberName("start_server")] StartServer,
}
