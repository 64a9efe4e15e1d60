using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace ZeroLagHub.Agent.Hosting;

/// <summary>
/// One JSON object per log line, each carrying the container id, so lines from many containers can be
/// shipped to one place and still be told apart. Structured state (message template values) becomes
/// fields of the line.
/// </summary>
public sealed class ContainerJsonFormatter(IOptions<AgentOptions> options) : ConsoleFormatter(Name)
{
    public new const string Name = "zlh-json";

    public override void Write<TState>(in LogEntry<TState> entry, IExternalScopeProvider? scopes, TextWriter writer)
    {
        var message = entry.Formatter(entry.State, entry.Exception);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", DateTimeOffset.UtcNow);
            json.WriteString("level", entry.LogLevel.ToString());
            json.WriteString("containerId", options.Value.ContainerId);
            json.WriteString("category", entry.Category);
            json.WriteNumber("eventId", entry.EventId.Id);
            json.WriteString("message", message);
            if (entry.State is IReadOnlyList<KeyValuePair<string, object?>> fields)
                foreach (var (key, value) in fields)
                    if (key != "{OriginalFormat}" && key is not ("time" or "level" or "containerId" or "category" or "message"))
                        json.WriteString(key, value?.ToString());
            if (entry.Exception is not null) json.WriteString("exception", entry.Exception.ToString());
            json.WriteEndObject();
        }
        writer.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
