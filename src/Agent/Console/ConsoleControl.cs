using System.Text.Json;

namespace ZeroLagHub.Agent.Console;

/// <summary>
/// A text frame from a console client: <c>{"type":"resize","rows":R,"cols":C}</c> or <c>{"type":"ping"}</c>
/// (answered with <c>{"type":"pong"}</c>). Anything else is <see cref="Invalid"/>, answered with an
/// <c>error</c> message saying what to send instead; it changes nothing.
/// </summary>
internal abstract record ConsoleControl
{
    public const int MaxDimension = 1000;

    public sealed record Ping : ConsoleControl;

    public sealed record Resize(int Rows, int Cols) : ConsoleControl;

    public sealed record Invalid(string Message) : ConsoleControl;

    public static ConsoleControl Parse(byte[] json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                return new Invalid("""a control message is a JSON object with a "type": "resize" or "ping" (terminal input goes in binary frames)""");
            return type.GetString() switch
            {
                "ping" => new Ping(),
                "resize" when Dimension(root, "rows") is { } rows && Dimension(root, "cols") is { } cols => new Resize(rows, cols),
                "resize" => new Invalid($"resize needs integer \"rows\" and \"cols\" between 1 and {MaxDimension}"),
                var other => new Invalid($"unknown control message type \"{other}\": use \"resize\" or \"ping\""),
            };
        }
        catch (JsonException)
        {
            return new Invalid("control messages are JSON, e.g. {\"type\":\"resize\",\"rows\":24,\"cols\":80}");
        }
    }

    private static int? Dimension(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n is >= 1 and <= MaxDimension
            ? n : null;
}
