using System.Text.Json.Serialization;

namespace ZeroLagHub.Projections.Status;

/// <summary>One word for what a user sees on the status page; derived by <see cref="ContainerStatus.Evolve"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ContainerStatusState>))]
public enum ContainerStatusState
{
    /// <summary>A deployment is creating or reprovisioning it.</summary>
    [JsonStringEnumMemberName("provisioning")] Provisioning,

    /// <summary>Game servers: provisioned, agent up, the server has never run yet.</summary>
    [JsonStringEnumMemberName("ready")] Ready,

    /// <summary>Game servers: agent up, the server ran before and is stopped now. Not offline: the container answers.</summary>
    [JsonStringEnumMemberName("idle")] Idle,

    [JsonStringEnumMemberName("starting")] Starting,

    /// <summary>Game servers: the server runs. Dev containers: the agent is up (they have no server process).</summary>
    [JsonStringEnumMemberName("running")] Running,

    [JsonStringEnumMemberName("stopping")] Stopping,

    /// <summary>The server ended without being asked to, and no restart is scheduled yet.</summary>
    [JsonStringEnumMemberName("crashed")] Crashed,

    /// <summary>Crashed, and the supervisor will start it again after its backoff delay.</summary>
    [JsonStringEnumMemberName("restarting")] Restarting,

    /// <summary>Provisioning failed, or the supervisor gave up after repeated crashes.</summary>
    [JsonStringEnumMemberName("error")] Error,

    /// <summary>The agent does not answer (two failed polls), or a user stopped the container.</summary>
    [JsonStringEnumMemberName("offline")] Offline,

    /// <summary>Final.</summary>
    [JsonStringEnumMemberName("deleted")] Deleted,
}
