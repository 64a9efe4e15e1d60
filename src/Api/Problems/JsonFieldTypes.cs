using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace ZeroLagHub.Api.Problems;

/// <summary>
/// What a field of a request body expects, in the words of the JSON a client writes ("a whole number",
/// "one of: dev, game", "an object with the fields …"), found by walking a JSON path (<c>$.server.args[1]</c>)
/// over the serializer's own contract of the body's type. The serializer's messages name .NET types
/// instead; a client has no use for them and an attacker learns the code's shape from them.
/// </summary>
public static partial class JsonFieldTypes
{
    /// <summary>The type the JSON at <paramref name="path"/> is read into; null when the path leaves the contract.</summary>
    public static Type? At(JsonSerializerOptions options, Type root, string path)
    {
        Type? type = root;
        foreach (Match step in PathStep().Matches(path))
        {
            if (type is null) return null;
            var info = options.GetTypeInfo(Underlying(type));
            type = step.Groups["index"].Success
                ? info.ElementType
                : info.Properties.FirstOrDefault(p => string.Equals(p.Name, Name(step), StringComparison.OrdinalIgnoreCase))?.PropertyType;
        }
        return type;
    }

    /// <summary>"a string", "a whole number", "one of: dev, game", "an array", "an object with the fields a, b".</summary>
    public static string Describe(JsonSerializerOptions options, Type type)
    {
        type = Underlying(type);
        if (type.IsEnum) return "one of: " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()));
        if (type == typeof(string)) return "a string";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(Guid)) return "an id (a UUID)";
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) return "a time (ISO 8601)";
        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) || type == typeof(uint) || type == typeof(ulong))
            return "a whole number";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return "a number";
        var info = options.GetTypeInfo(type);
        return info.Kind switch
        {
            JsonTypeInfoKind.Enumerable => "an array",
            JsonTypeInfoKind.Dictionary => "an object",
            JsonTypeInfoKind.Object => $"an object with the fields {FieldList(info)}",
            _ => "a JSON value of another kind",
        };
    }

    /// <summary>The JSON names of an object's fields, for "unknown field" answers; empty when the path is not an object.</summary>
    public static string FieldsAt(JsonSerializerOptions options, Type root, string objectPath) =>
        At(options, root, objectPath) is { } type && options.GetTypeInfo(Underlying(type)) is { Kind: JsonTypeInfoKind.Object } info
            ? FieldList(info)
            : "";

    private static string FieldList(JsonTypeInfo info) => string.Join(", ", info.Properties.Select(p => p.Name));

    private static Type Underlying(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    private static string Name(Match step) => step.Groups["name"].Success ? step.Groups["name"].Value : step.Groups["quoted"].Value;

    // $.a.b[2]['odd name']: a property, a quoted property, or an index.
    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>(?:[^']|'')*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex PathStep();
}
