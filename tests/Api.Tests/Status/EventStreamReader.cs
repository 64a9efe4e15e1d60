using System.Text;

namespace ZeroLagHub.Api.Tests.Status;

/// <summary>One Server-Sent Event as a browser's EventSource would deliver it.</summary>
public sealed record ServerSentEvent(string Type, string? Id, string Data);

/// <summary>Reads <c>text/event-stream</c> from a response, event by event, skipping comments and <c>retry:</c>.</summary>
public sealed class EventStreamReader(HttpResponseMessage response) : IAsyncDisposable
{
    private StreamReader? _reader;

    public async Task<ServerSentEvent> NextAsync(TimeSpan timeout)
    {
        _reader ??= new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        using var cancel = new CancellationTokenSource(timeout);
        string type = "message", data = "";
        string? id = null;
        var any = false;
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancel.Token) ?? throw new EndOfStreamException("the stream ended");
            if (line.Length == 0)
            {
                if (any) return new ServerSentEvent(type, id, data);
                continue;
            }
            if (line.StartsWith(':') || line.StartsWith("retry:", StringComparison.Ordinal)) continue;
            var colon = line.IndexOf(':');
            var (field, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..].TrimStart(' '));
            any = true;
            switch (field)
            {
                case "event": type = value; break;
                case "id": id = value; break;
                case "data": data = data.Length == 0 ? value : data + "\n" + value; break;
            }
        }
    }

    /// <summary>The next event that satisfies <paramref name="match"/>, skipping others.</summary>
    public async Task<ServerSentEvent> NextMatchingAsync(Func<ServerSentEvent, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException("no matching event arrived");
            var next = await NextAsync(left);
            if (match(next)) return next;
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader?.Dispose();
        response.Dispose();
        return ValueTask.CompletedTask;
    }
}
