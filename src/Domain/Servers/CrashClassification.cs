using System.Text.Json.Serialization;

namespace ZeroLagHub.Domain.Servers;

/// <summary>Why a game server died, most specific first. Serialised in snake_case (<c>mod_or_plugin_error</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CrashClassification>))]
public enum CrashClassification
{
    [JsonStringEnumMemberName("oom")] Oom,
    [JsonStringEnumMemberName("missing_dependency")] MissingDependency,
    [JsonStringEnumMemberName("mod_or_plugin_error")] ModOrPluginError,
    [JsonStringEnumMemberName("nonzero_exit")] NonzeroExit,
    [JsonStringEnumMemberName("unexpected_exit")] UnexpectedExit,
}
