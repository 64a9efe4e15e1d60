using System.Text.Json;

namespace ZeroLagHub.Api.Problems;

/// <summary>
/// Finds the first string (or property name) of a JSON body that holds a NUL character (<c>\u0000</c>).
/// PostgreSQL stores no NUL in text or jsonb (22P05), so such a value could only ever fail later, as a
/// 500 after the command was decided; it is refused at the edge instead, whatever the route.
/// </summary>
public static class NulCharacters
{
    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;
        public int Index { get; set; } = -1;
        public string Property { get; set; } = "";
    }

    /// <returns>The JSON path of the first value holding a NUL (<c>$.server.args[1]</c>); null when none does or the body is not JSON.</returns>
    public static string? Find(ReadOnlySpan<byte> json)
    {
        // JSON can carry a NUL only as this escape (a raw control byte is invalid JSON): most bodies stop here.
        if (json.IndexOf("\\u0000"u8) < 0) return null;

        var frames = new List<Frame>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        frames[^1].Property = reader.GetString()!;
                        if (frames[^1].Property.Contains('\0')) return PathOf(frames);
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        continue;
                }
                // A value: the next element of the array it is in.
                if (frames.Count > 0 && frames[^1].IsArray) frames[^1].Index++;
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject: frames.Add(new Frame(isArray: false)); break;
                    case JsonTokenType.StartArray: frames.Add(new Frame(isArray: true)); break;
                    case JsonTokenType.String when reader.ValueIsEscaped && reader.GetString()!.Contains('\0'): return PathOf(frames);
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the route's own reading says so, naming where.
        }
        return null;
    }

    private static string PathOf(List<Frame> frames) =>
        "$" + string.Concat(frames.Select(f => f.IsArray ? $"[{f.Index}]" : "." + f.Property));
}
