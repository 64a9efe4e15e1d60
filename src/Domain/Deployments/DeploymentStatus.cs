using System.Text.Json.Serialization;

namespace ZeroLagHub.Domain.Deployments;

/// <summary>Moves forward only: queued → running → one of the three terminal states.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeploymentStatus>))]
public enum DeploymentStatus
{
    /// <summary>No such stream.</summary>
    [JsonStringEnumMemberName("none")] None,
    [JsonStringEnumMemberName("queued")] Queued,
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("succeeded")] Succeeded,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}
