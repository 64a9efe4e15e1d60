using System.Buffers;
using System.Text.Json;
using ZeroLagHub.Api.Audit.Chain;

namespace ZeroLagHub.Api.Audit;

/// <summary>
/// Events as <c>application/x-ndjson</c>, one JSON object per line, written while they are read so an
/// export of any size runs in constant memory. <c>data</c> and <c>metadata</c> are the stored JSON
/// verbatim, the same text the hash chain covers.
/// </summary>
public sealed class NdjsonExport(IAsyncEnumerable<RecordedEvent> events, string fileName) : IResult
{
    public const string ContentType = "application/x-ndjson";

    // Bytes buffered before a flush: small enough that a slow client sees progress, large enough
    // that a big export is not a flush per line.
    private const int FlushThreshold = 64 * 1024;

    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = ContentType;
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        var ct = context.RequestAborted;
        var body = response.BodyWriter;
        await using var json = new Utf8JsonWriter(body);
        await foreach (var e in events.WithCancellation(ct))
        {
            json.WriteStartObject();
            json.WriteNumber("position", e.Position);
            json.WriteString("streamId", e.StreamId);
            json.WriteNumber("version", e.Version);
            json.WriteString("type", e.Type);
            json.WriteNumber("schemaVersion", e.SchemaVersion);
            json.WriteString("timestamp", e.Timestamp);
            json.WritePropertyName("data");
            json.WriteRawValue(e.Data, skipInputValidation: true);
            json.WritePropertyName("metadata");
            json.WriteRawValue(e.Metadata, skipInputValidation: true);
            json.WriteString("hash", Convert.ToHexStringLower(e.Hash));
            json.WriteEndObject();
            json.Flush();
            json.Reset();
            body.Write("\n"u8);
            if (body.UnflushedBytes >= FlushThreshold) await body.FlushAsync(ct);
        }
        await body.FlushAsync(ct);
    }
}
