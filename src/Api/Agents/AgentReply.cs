using System.Text.Json;

namespace ZeroLagHub.Api.Agents;

/// <summary>An agent's answer: its status code and JSON body (a result, or a problem with <c>detail</c> and often <c>output</c>).</summary>
public sealed record AgentReply(int StatusCode, JsonElement Body)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    public T Read<T>() => Body.Deserialize<T>(JsonSerializerOptions.Web)
        ?? throw new InvalidOperationException($"the agent answered {StatusCode} without a {typeof(T).Name}");

    /// <summary>A problem's detail (or title), for a stage error a user can act on.</summary>
    public string Problem =>
        Body.ValueKind == JsonValueKind.Object
            ? Text("detail") ?? Text("title") ?? $"the agent answered {StatusCode}"
            : $"the agent answered {StatusCode}";

    /// <summary>Installer output lines a problem carries (<c>output</c>), for the stage's log tail.</summary>
    public IReadOnlyList<string> Output =>
        Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("output", out var output) && output.ValueKind == JsonValueKind.Array
            ? [.. output.EnumerateArray().Select(l => l.ToString())]
            : [];

    private string? Text(string property) =>
        Body.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
