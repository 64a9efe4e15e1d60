using System.Text.Json;
using System.Text.RegularExpressions;

namespace ZeroLagHub.Api.Problems;

/// <summary>
/// Why a request could not be read, as a client can act on it: the status, a message that names the
/// field (<c>$.server.args[1]: expected a string</c>) and, when one field is at fault, that field for the
/// problem's <c>errors</c>. Never a .NET type or parameter: the framework's and the serializer's own
/// messages (which name them) go to the log only.
/// </summary>
public sealed partial record UnreadableBody(int Status, string Detail, string? Field = null)
{
    /// <summary>Paths and values quoted back are cut to this: a 60 KB property name is not echoed.</summary>
    private const int MaxQuoted = 100;

    public static UnreadableBody TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, $"the request body is larger than {limit} bytes, this route's limit");

    public static UnreadableBody NotJson { get; } =
        new(StatusCodes.Status415UnsupportedMediaType, "send the body as JSON, with Content-Type: application/json");

    public static UnreadableBody NulCharacter(string path) =>
        new(StatusCodes.Status400BadRequest, $"{Quote(path)}: contains a NUL character (\\u0000), which no field accepts", FieldOf(path));

    /// <param name="bodyType">What the endpoint reads its body into, for naming what a field expects; null when unknown.</param>
    public static UnreadableBody From(BadHttpRequestException bad, Type? bodyType, JsonSerializerOptions options) => bad switch
    {
        { StatusCode: StatusCodes.Status413PayloadTooLarge } => new(bad.StatusCode, "the request body is too large"),
        { StatusCode: StatusCodes.Status415UnsupportedMediaType } => NotJson,
        { InnerException: JsonException json } => FromJson(json, bodyType, options),
        _ when bad.Message.Contains("from body", StringComparison.Ordinal) || bad.Message.StartsWith("Implicit body", StringComparison.Ordinal) =>
            new(StatusCodes.Status400BadRequest, "this route needs a JSON body"),
        _ when FrameworkParameter().Match(bad.Message) is { Success: true } p => p.Groups["value"].Success
            ? new(StatusCodes.Status400BadRequest, $"{p.Groups["name"].Value}: '{Quote(p.Groups["value"].Value)}' is not a valid value", p.Groups["name"].Value)
            : new(StatusCodes.Status400BadRequest, $"{p.Groups["name"].Value} is required", p.Groups["name"].Value),
        _ => new(bad.StatusCode, "the request could not be read"),
    };

    public static UnreadableBody FromJson(JsonException json, Type? bodyType, JsonSerializerOptions options)
    {
        var path = json.Path ?? "$";
        var message = json.Message;
        if (UnmappedMember().Match(message) is { Success: true } unmapped)
        {
            // The reader's path may or may not end at the unknown field itself.
            var name = unmapped.Groups["name"].Value;
            var parent = path.EndsWith("." + name, StringComparison.Ordinal) ? path[..^(name.Length + 1)]
                : path.EndsWith($"['{name}']", StringComparison.Ordinal) ? path[..^(name.Length + 4)]
                : path;
            var field = $"{parent}.{name}";
            var known = bodyType is null ? "" : JsonFieldTypes.FieldsAt(options, bodyType, parent);
            return new(StatusCodes.Status400BadRequest,
                $"{Quote(field)}: unknown field" + (known.Length > 0 ? $"; the fields here are: {known}" : ""), FieldOf(field));
        }
        if (message.Contains("could not be converted to", StringComparison.Ordinal))
        {
            var expected = bodyType is not null && JsonFieldTypes.At(options, bodyType, path) is { } type
                ? "expected " + JsonFieldTypes.Describe(options, type)
                : "this value has the wrong type";
            return new(StatusCodes.Status400BadRequest, $"{Quote(path)}: {expected}", FieldOf(path));
        }
        if (MissingRequired().Match(message) is { Success: true } missing)
            return new(StatusCodes.Status400BadRequest, $"{Quote(path)}: required fields missing: {missing.Groups["names"].Value.Replace("'", "")}",
                FieldOf(path));
        // Syntax: the reader's own sentence ("'}' is an invalid start of a value."), which names no type; scrubbed anyway.
        var sentence = DotNetTypeName().Replace(message.Split(" Path: ")[0].Split(" LineNumber: ")[0], "a value");
        return new(StatusCodes.Status400BadRequest, $"{Quote(path)}: {Quote(sentence, 300)}");
    }

    /// <summary><c>$.server.args[1]</c> → <c>server.args[1]</c>, the key of the problem's <c>errors</c>; null for the whole body.</summary>
    private static string? FieldOf(string path) =>
        path.Length > 2 && path.StartsWith("$.", StringComparison.Ordinal) ? Quote(path[2..]) : path.StartsWith("$[", StringComparison.Ordinal) ? Quote(path[1..]) : null;

    private static string Quote(string text, int max = MaxQuoted)
    {
        var printable = string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        return printable.Length <= max ? printable : printable[..max] + "…";
    }

    [GeneratedRegex(@"The JSON property '(?<name>.*?)' could not be mapped", RegexOptions.Singleline)]
    private static partial Regex UnmappedMember();

    [GeneratedRegex(@"missing required properties(?: including)?: (?<names>.*?)\.?$", RegexOptions.Singleline)]
    private static partial Regex MissingRequired();

    // Framework messages about a route, query or header parameter: 'Failed to bind parameter "int limit" from "abc".',
    // 'Required parameter "Guid id" was not provided from route.'
    [GeneratedRegex("""parameter "(?:[^"]* )?(?<name>[^" ]+)"(?: from "(?<value>.*)")?""", RegexOptions.Singleline)]
    private static partial Regex FrameworkParameter();

    // ZeroLagHub.Api.Containers.CreateContainerRequest, System.Int32, System.Collections.Generic.List`1[System.String]
    [GeneratedRegex(@"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?:`\d+)?(?:\[[^\]]*\])?")]
    private static partial Regex DotNetTypeName();
}
