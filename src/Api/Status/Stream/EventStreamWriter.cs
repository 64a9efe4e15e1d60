using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace ZeroLagHub.Api.Status.Stream;

/// <summary>
/// Writes <c>text/event-stream</c> (the EventSource wire format): events with a type, an id and data lines,
/// comments as keepalives, and the client's reconnection delay. Every write is flushed at once.
/// </summary>
public sealed class EventStreamWriter
{
    private readonly HttpResponse _response;

    public EventStreamWriter(HttpResponse response)
    {
        _response = response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        // Proxies such as nginx would otherwise hold events back in their buffers.
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    public Task RetryAsync(TimeSpan delay, CancellationToken ct) =>
        WriteAsync(string.Create(CultureInfo.InvariantCulture, $"retry: {(long)delay.TotalMilliseconds}\n\n"), ct);

    public Task CommentAsync(string text, CancellationToken ct) => WriteAsync($": {text}\n\n", ct);

    /// <param name="data">Written as one <c>data:</c> line per line, which the client joins back with newlines.</param>
    public Task EventAsync(string type, string id, string data, CancellationToken ct)
    {
        var text = new StringBuilder().Append("event: ").Append(type).Append('\n').Append("id: ").Append(id).Append('\n');
        foreach (var line in data.Split('\n')) text.Append("data: ").Append(line.TrimEnd('\r')).Append('\n');
        return WriteAsync(text.Append('\n').ToString(), ct);
    }

    private async Task WriteAsync(string text, CancellationToken ct)
    {
        await _response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await _response.Body.FlushAsync(ct);
    }
}
