using System.Text.Json.Serialization;

namespace ZeroLagHub.Domain.Containers;

/// <summary>A game server's process as last reported or requested. Dev containers stay <see cref="Offline"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GameServerState>))]
public enum GameServerState
{
    [JsonStringEnumMemberName("offline")] Offline,
    [JsonStringEnumMemberName("starting")] Starting,
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("stopping")] Stopping,
    [JsonStringEnumMemberName("crashed")] Crashed,

    /// <summary>Crashed, and the supervisor will start it again after a delay.</summary>
    [JsonStringEnumMemberName("restarting")] Restarting,

    /// <summary>The supervisor gave up after repeated crashes.</summary>
    [JsonStringEnumMemberName("error")] Error,
}
