using System.Net.ServerSentEvents;

namespace ZeroLagHub.Api.Tests.Status;

/// <summary>One Server-Sent Event as a browser's EventSource would deliver it.</summary>
public sealed record ServerSentEvent(string Type, string? Id, string Data);

/// <summary>Reads <c>text/event-stream</c> from a response event by event, with .NET's own parser (as a client would).</summary>
public sealed class EventStreamReader(HttpResponseMessage response) : IAsyncDisposable
{
    private IAsyncEnumerator<SseItem<string>>? _events;

    public async Task<ServerSentEvent> NextAsync(TimeSpan timeout)
    {
        _events ??= SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync().GetAsyncEnumerator();
        if (!await _events.MoveNextAsync().AsTask().WaitAsync(timeout)) throw new EndOfStreamException("the stream ended");
        return new ServerSentEvent(_events.Current.EventType, _events.Current.EventId, _events.Current.Data);
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

    public async ValueTask DisposeAsync()
    {
        response.Dispose();
        if (_events is not null)
        {
            try { await _events.DisposeAsync(); }
            catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException) { }
        }
    }
}
