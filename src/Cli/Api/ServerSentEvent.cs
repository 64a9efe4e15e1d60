namespace ZeroLagHub.Cli.Api;

/// <summary>One event of a <c>text/event-stream</c>: its type (<c>snapshot</c>, <c>status</c>), id and data.</summary>
public sealed record ServerSentEvent(string Type, string? Id, string Data)
{
    /// <summary>
    /// Reads events until the stream ends, skipping comments (keepalives) and <c>retry:</c>. A read that sees
    /// no byte for <paramref name="silence"/> fails with <see cref="TimeoutException"/>: the server sends a
    /// keepalive well within it, so the connection is dead.
    /// </summary>
    public static async IAsyncEnumerable<ServerSentEvent> ReadAllAsync(Stream stream, TimeSpan silence,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(stream);
        string type = "message", data = "";
        string? id = null;
        var any = false;
        while (true)
        {
            string? line;
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                wait.CancelAfter(silence);
                try
                {
                    line = await reader.ReadLineAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new TimeoutException($"the status stream was silent for {silence.TotalSeconds:0} s");
                }
            }
            if (line is null) yield break;
            if (line.Length == 0)
            {
                if (any) yield return new ServerSentEvent(type, id, data);
                (type, data, id, any) = ("message", "", null, false);
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
}
