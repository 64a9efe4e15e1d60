using System.Text.Json.Serialization;

namespace ZeroLagHub.Domain.Agent;

/// <summary>What a container is for. Dev containers have no server process: they run when the agent is up.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ContainerKind>))]
public enum ContainerKind
{
    Dev,
    Game,
}
