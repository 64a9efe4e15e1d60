using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;

namespace ZeroLagHub.Cli.Consoles;

/// <summary>
/// One connection of the console, until it ends (<see cref="AttachmentEnd"/>). Two loops: the receiver copies
/// binary frames (terminal output) to stdout and shows control errors; the sender sends the current terminal
/// size, then the queued <see cref="InputEvent"/>s: keys as binary frames, resizes as text frames. An event is
/// taken off the queue only once sent, so what was typed while a connection broke goes out on the next one.
/// When we end the connection (detach, end of input, interrupt), it is closed with a close frame, so the
/// agent detaches us and keeps the shell running.
/// </summary>
internal sealed class Attachment(WebSocket socket, ConsoleTarget target, TerminalInput input, Stream stdout, Action<string> notice)
{
    /// <summary>EOT: what the remote terminal takes as the end of input (a shell at its prompt exits).</summary>
    private const byte EndOfTransmission = 0x04;

    /// <summary>Piped into a server console: after the input ends, its output is shown until it has been quiet this long.</summary>
    private static readonly TimeSpan QuietAfterInput = TimeSpan.FromSeconds(2);

    /// <summary>Piped into a shell: how long its output stays quiet before the end of input is sent (^D), and how often again.</summary>
    private static readonly TimeSpan ShellQuietAfterInput = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ShellEndRetry = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(2);

    private long _lastOutput = Stopwatch.GetTimestamp();

    public async Task<AttachmentEnd> RunAsync(CancellationToken ct)
    {
        // The receiver is never cancelled while the socket may still be closed politely: cancelling a
        // WebSocket receive aborts the socket.
        using var stopReceiving = new CancellationTokenSource();
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var receiving = ReceiveAsync(stopReceiving.Token);
        var sending = SendAsync(stopSending.Token, ct);

        AttachmentEnd end;
        if (await Task.WhenAny(receiving, sending) == receiving)
        {
            end = await receiving;
            await stopSending.CancelAsync();
            await sending;
            // Answer the far side's close, or (stdout gone) close ourselves.
            if (end is AttachmentEnd.Closed or AttachmentEnd.OutputGone) await CloseAsync(WebSocketCloseStatus.NormalClosure, "");
        }
        else
        {
            end = await sending;
            if (end is not AttachmentEnd.Dropped)
            {
                await CloseAsync(WebSocketCloseStatus.NormalClosure, end is AttachmentEnd.Detached ? "detached" : "client left");
                // The far side answers with its close: the receiver sees it and ends.
                await Task.WhenAny(receiving, Task.Delay(CloseGrace, CancellationToken.None));
            }
            socket.Abort();
            await stopReceiving.CancelAsync();
            await receiving;
        }
        return end;
    }

    private async Task<AttachmentEnd> ReceiveAsync(CancellationToken token)
    {
        var buffer = new byte[16 * 1024];
        var control = new MemoryStream();
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(), token);
                switch (received.MessageType)
                {
                    case WebSocketMessageType.Close:
                        return new AttachmentEnd.Closed(socket.CloseStatus, socket.CloseStatusDescription);
                    case WebSocketMessageType.Binary:
                        try
                        {
                            stdout.Write(buffer, 0, received.Count);
                            stdout.Flush();
                        }
                        catch (IOException) { return new AttachmentEnd.OutputGone(); }
                        Volatile.Write(ref _lastOutput, Stopwatch.GetTimestamp());
                        break;
                    default:
                        control.Write(buffer, 0, received.Count);
                        if (!received.EndOfMessage) break;
                        ShowControl(control.ToArray());
                        control.SetLength(0);
                        break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException)
        {
            return new AttachmentEnd.Dropped(e.Message);
        }
        catch (OperationCanceledException)
        {
            return new AttachmentEnd.Dropped("closed by us");   // only after the connection has already ended
        }
    }

    /// <summary>Control messages from the agent: <c>pong</c> needs nothing; <c>error</c> means we sent something it did not understand.</summary>
    private void ShowControl(byte[] json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "error")
                notice($"console: {(doc.RootElement.TryGetProperty("message", out var message) ? message.ToString() : "error")}");
        }
        catch (JsonException) { }
    }

    /// <param name="token">Cancelled when the receiver has ended, or by <paramref name="interrupt"/>.</param>
    private async Task<AttachmentEnd> SendAsync(CancellationToken token, CancellationToken interrupt)
    {
        try
        {
            await SendSizeAsync(token);
            while (true)
            {
                if (!input.Events.TryPeek(out var next))
                {
                    await input.Events.WaitToReadAsync(token);
                    continue;
                }
                switch (next)
                {
                    case InputEvent.Keys keys:
                        await socket.SendAsync(keys.Bytes, WebSocketMessageType.Binary, true, token);
                        break;
                    case InputEvent.Resized:
                        await SendSizeAsync(token);
                        break;
                    case InputEvent.Detach:
                        return new AttachmentEnd.Detached();
                    case InputEvent.End when target.Kind == "shell":
                        // Left queued: a reconnect to a new shell (the old one died with its agent) sends it again.
                        // A ^D that arrives while a command still runs goes to that command's terminal and is lost,
                        // so it is sent once the shell has gone quiet (back at its prompt), and again if missed.
                        while (true)
                        {
                            await WaitForQuietAsync(ShellQuietAfterInput, token);
                            await socket.SendAsync(new[] { EndOfTransmission }, WebSocketMessageType.Binary, true, token);
                            await Task.Delay(ShellEndRetry, token);
                        }
                    case InputEvent.End:
                        await WaitForQuietAsync(QuietAfterInput, token);
                        return new AttachmentEnd.InputDone();
                }
                input.Sent();
            }
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            return new AttachmentEnd.Interrupted();
        }
        catch (OperationCanceledException)
        {
            return new AttachmentEnd.Dropped("closed");   // the receiver ended first: its end is the one that counts
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
        {
            return new AttachmentEnd.Dropped(e.Message);
        }
    }

    private async Task SendSizeAsync(CancellationToken token)
    {
        if (TerminalSize.Read() is { } size)
            await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(size.ResizeMessage), WebSocketMessageType.Text, true, token);
    }

    private async Task WaitForQuietAsync(TimeSpan enough, CancellationToken token)
    {
        while (true)
        {
            var quiet = Stopwatch.GetElapsedTime(Volatile.Read(ref _lastOutput));
            if (quiet >= enough) return;
            await Task.Delay(enough - quiet, token);
        }
    }

    private async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        using var timeout = new CancellationTokenSource(CloseGrace);
        try { await socket.CloseOutputAsync(status, reason, timeout.Token); }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException) { }
    }
}
