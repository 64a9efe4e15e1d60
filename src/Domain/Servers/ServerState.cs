using System.Text.Json.Serialization;

namespace ZeroLagHub.Domain.Servers;

/// <summary>
/// A supervised game server's lifecycle: offline → starting → running → stopping → offline. A run that
/// ends unasked is <see cref="Crashed"/> (a restart may be scheduled); too many consecutive crashes is
/// <see cref="Error"/>, left only by a user's start.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ServerState>))]
public enum ServerState
{
    [JsonStringEnumMemberName("offline")] Offline,
    [JsonStringEnumMemberName("starting")] Starting,
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("stopping")] Stopping,
    [JsonStringEnumMemberName("crashed")] Crashed,
    [JsonStringEnumMemberName("error")] Error,
}
