using System.Text.Json.Serialization;

namespace ZeroLagHub.Domain.Containers;

/// <summary>Where the container as a whole stands, as the control plane (its authority) decided it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ContainerLifecycle>))]
public enum ContainerLifecycle
{
    /// <summary>No such stream.</summary>
    [JsonStringEnumMemberName("none")] None,

    /// <summary>Requested or reprovisioning: a deployment is running for it.</summary>
    [JsonStringEnumMemberName("provisioning")] Provisioning,

    [JsonStringEnumMemberName("ready")] Ready,

    /// <summary>Stopped by a user; start brings it back to ready.</summary>
    [JsonStringEnumMemberName("stopped")] Stopped,

    /// <summary>Its last deployment failed; reprovision or delete it.</summary>
    [JsonStringEnumMemberName("error")] Error,

    /// <summary>Final.</summary>
    [JsonStringEnumMemberName("deleted")] Deleted,
}
