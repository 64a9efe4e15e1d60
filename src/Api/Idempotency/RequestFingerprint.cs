using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ZeroLagHub.Api.Idempotency;

/// <summary>
/// What makes a request the same request again for an <c>Idempotency-Key</c>: its method, its route (the
/// endpoint's pattern and the values in it) and its body, as SHA-256. The body counts as JSON when it
/// parses (properties in ordinal order, no whitespace: a client that serialises the same object again
/// sends the same request), else as its bytes.
/// </summary>
/// <param name="Request">Method and path, to tell the client what the key was first used for.</param>
public sealed record RequestFingerprint(byte[] Hash, string Request)
{
    /// <summary>
    /// Bodies up to this size are compared as parsed JSON; a larger one (no command's body is near it) is
    /// hashed as it streams by, so that a huge body never sits in memory.
    /// </summary>
    private const int CanonicalLimit = 1 << 20;

    /// <summary>Reads the body and rewinds it for the endpoint.</summary>
    public static async Task<RequestFingerprint> OfAsync(HttpContext context, CancellationToken ct)
    {
        var request = context.Request;
        request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(Route(context)));

        using var small = new MemoryStream();
        var chunk = new byte[81920];
        var streamed = false;
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (!streamed && small.Length + read <= CanonicalLimit)
            {
                small.Write(chunk, 0, read);
                continue;
            }
            if (!streamed) hash.AppendData(small.GetBuffer(), 0, (int)small.Length);
            streamed = true;
            hash.AppendData(chunk, 0, read);
        }
        request.Body.Position = 0;

        if (!streamed) hash.AppendData(Canonical(small.GetBuffer().AsSpan(0, (int)small.Length)));
        return new RequestFingerprint(hash.GetHashAndReset(), $"{request.Method} {request.Path}");
    }

    /// <summary>
    /// <c>POST /api/servers/{id:guid}/{action}</c> and its values, normalised as the router matches them: ids
    /// in any format and letters in any case reach the same endpoint with the same values.
    /// </summary>
    private static string Route(HttpContext context)
    {
        var pattern = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "";
        var values = context.Request.RouteValues
            .Select(v => (v.Key, Value: Guid.TryParse(Convert.ToString(v.Value, CultureInfo.InvariantCulture), out var id)
                ? id.ToString("D")
                : Convert.ToString(v.Value, CultureInfo.InvariantCulture)?.ToLowerInvariant()))
            .OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => $"{v.Key}={v.Value}");
        return $"{context.Request.Method.ToUpperInvariant()}\n{pattern}\n{string.Join('\n', values)}\n\n";
    }

    private static ReadOnlySpan<byte> Canonical(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty) return body;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException)
        {
            return body;
        }
        using (document)
        {
            var output = new ArrayBufferWriter<byte>(body.Length);
            using (var writer = new Utf8JsonWriter(output))
                Write(document.RootElement, writer);
            return output.WrittenSpan.ToArray();
        }
    }

    private static void Write(JsonElement element, Utf8JsonWriter writer)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(property.Value, writer);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) Write(item, writer);
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
