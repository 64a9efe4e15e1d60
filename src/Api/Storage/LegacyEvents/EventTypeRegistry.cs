using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZeroLagHub.Api.Storage.LegacyEvents;

/// <summary>
/// Maps CLR event types to stable stored names and schema versions, and upgrades old payloads on read.
/// Names are explicit (never the CLR name) so types can be renamed or moved without rewriting history.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly Dictionary<Type, EventType> _byClrType = [];
    private readonly Dictionary<string, EventType> _byName = new(StringComparer.Ordinal);

    /// <summary>Options used for every payload: web defaults (camelCase), so stored JSON reads naturally in SQL.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>Registers <typeparamref name="T"/> under <paramref name="name"/> at its current schema version.</summary>
    public EventTypeRegistry Register<T>(string name, int schemaVersion = 1) where T : notnull =>
        Register(typeof(T), name, schemaVersion);

    /// <summary>Registers <paramref name="clrType"/> under <paramref name="name"/>: for tables of event types registered in a loop.</summary>
    public EventTypeRegistry Register(Type clrType, string name, int schemaVersion = 1)
    {
        ArgumentNullException.ThrowIfNull(clrType);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(schemaVersion, 1);
        if (_byName.ContainsKey(name)) throw new ArgumentException($"event type name '{name}' is already registered");
        if (_byClrType.ContainsKey(clrType)) throw new ArgumentException($"{clrType.Name} is already registered");

        var type = new EventType(name, clrType, schemaVersion);
        _byName.Add(name, type);
        _byClrType.Add(clrType, type);
        return this;
    }

    /// <summary>
    /// Adds the step that turns a payload stored at <paramref name="fromVersion"/> into the next version.
    /// A payload several versions behind passes through each step in turn.
    /// </summary>
    public EventTypeRegistry Upcast(string name, int fromVersion, Func<JsonObject, JsonObject> upcast)
    {
        var type = _byName.GetValueOrDefault(name) ?? throw new ArgumentException($"register '{name}' before its upcasters");
        if (fromVersion < 1 || fromVersion >= type.SchemaVersion)
            throw new ArgumentOutOfRangeException(nameof(fromVersion), fromVersion,
                $"'{name}' is at schema version {type.SchemaVersion}; upcasters go from 1 to {type.SchemaVersion - 1}");
        if (!type.Upcasters.TryAdd(fromVersion, upcast))
            throw new ArgumentException($"'{name}' already has an upcaster from version {fromVersion}");
        return this;
    }

    public bool IsRegistered(Type clrType) => _byClrType.ContainsKey(clrType);

    internal EventType Of(Type clrType) => _byClrType.GetValueOrDefault(clrType)
        ?? throw new ArgumentException($"{clrType.FullName} is not a registered event type; register it with a stable name");

    internal string Serialize(object data, EventType type) => JsonSerializer.Serialize(data, type.ClrType, JsonOptions);

    /// <summary>Reads a stored payload as the current CLR type, upcasting it first when it is older.</summary>
    internal object Deserialize(string name, int storedVersion, string json, string streamId, long version)
    {
        var type = _byName.GetValueOrDefault(name) ?? throw new UnknownEventTypeException(name, streamId, version);
        if (storedVersion == type.SchemaVersion)
            return JsonSerializer.Deserialize(json, type.ClrType, JsonOptions)!;
        if (storedVersion > type.SchemaVersion)
            throw new EventSchemaException(
                $"event '{name}' at {streamId}@{version} has schema version {storedVersion}, newer than this build knows ({type.SchemaVersion})");

        var node = JsonNode.Parse(json)?.AsObject()
            ?? throw new EventSchemaException($"event '{name}' at {streamId}@{version} has no JSON object payload");
        for (var v = storedVersion; v < type.SchemaVersion; v++)
        {
            var step = type.Upcasters.GetValueOrDefault(v) ?? throw new EventSchemaException(
                $"event '{name}' at {streamId}@{version} is at schema version {v} and no upcaster goes from {v} to {v + 1}");
            node = step(node);
        }
        return node.Deserialize(type.ClrType, JsonOptions)!;
    }
}

internal sealed record EventType(string Name, Type ClrType, int SchemaVersion)
{
    public Dictionary<int, Func<JsonObject, JsonObject>> Upcasters { get; } = [];
}
