using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ZeroLagHub.Agent.Console;

/// <summary>
/// One terminal and the sockets attached to it.
/// </summary>
/// <remarks>
/// 1. One reader loop per session reads the terminal and, under <see cref="_gate"/>, appends to the replay
///    buffer and queues the same bytes to every client, never waiting on any of them.
/// 2. A socket attaches by getting the replay and joining the client set in the same critical section,
///    so it sees every byte exactly once; its writer (<see cref="ConsoleClient"/>) and its receive loop
///    (here) are the only code touching the socket.
/// 3. Detaching never touches the terminal. A shell left with no socket is ended after
///    <see cref="ConsoleOptions.ShellIdleTimeout"/>; the server console ends only when its terminal does.
/// 4. Pacing (shell only): while EVERY attached client has a quarter of its queue limit waiting, the
///    reader waits for the fastest one, so a `cat` of a large file is paced to the fastest client instead
///    of outrunning them all; a client far behind the fastest still reaches its limit and is dropped.
///    A server console is never paced: a blocked stdout would stall the game server.
/// 5. Server consoles only: a per-client command rate limit and a session-wide output throttle, each
///    announced with a notice line in the console.
/// States only move forward: running → ended (the terminal has gone or the session was stopped).
/// </remarks>
public sealed class ConsoleSession
{
    private const int MaxControlMessage = 4096;
    private const string NoticeStart = "\r\n\u001b[33m[zlh] ";
    private const string NoticeEnd = "\u001b[0m\r\n";

    private readonly IConsoleTerminal _terminal;
    private readonly ConsoleOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly Func<ValueTask<string>> _endReason;
    private readonly Lock _gate = new();
    private readonly ReplayBuffer _replay;
    private readonly List<ConsoleClient> _clients = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly TokenBucket? _outputBudget;
    private ITimer? _idleTimer;
    private TaskCompletionSource? _caughtUp;
    private bool _ended;
    private string _endedBecause = "";
    private long _droppedOutput;

    internal ConsoleSession(ConsoleKind kind, IConsoleTerminal terminal, ConsoleOptions options, TimeProvider clock, ILogger log,
        Func<ValueTask<string>> endReason, Action<ConsoleSession> onEnded)
    {
        Kind = kind;
        _terminal = terminal;
        _options = options;
        _clock = clock;
        _log = log;
        _endReason = endReason;
        _replay = new ReplayBuffer(options.ReplayBytes);
        if (kind == ConsoleKind.Server)
            _outputBudget = new TokenBucket(options.ServerOutputBytesPerSecond, 4.0 * options.ServerOutputBytesPerSecond, clock);
        Completion = Task.Run(() => ReadLoopAsync(onEnded));
    }

    public ConsoleKind Kind { get; }

    /// <summary>Completes when the session has ended and its terminal is disposed.</summary>
    public Task Completion { get; }

    public int AttachedClients
    {
        get { lock (_gate) return _clients.Count; }
    }

    /// <summary>Ends the session: stops the reader and disposes the terminal; attached sockets are closed with <paramref name="reason"/>.</summary>
    public Task StopAsync(string reason)
    {
        lock (_gate) EndLocked(reason);
        _stop.Cancel();
        return Completion;
    }

    /// <summary>Serves one accepted socket until it closes, or the session ends. False: the session had already ended.</summary>
    public async Task<bool> AttachAsync(WebSocket socket, CancellationToken requestAborted)
    {
        var client = new ConsoleClient(socket, _options, ClientSent);
        lock (_gate)
        {
            if (_ended) return false;
            var replay = _replay.Snapshot();
            if (replay.Length > 0) client.TryEnqueue(replay);
            _clients.Add(client);
            _idleTimer?.Dispose();
            _idleTimer = null;
            _log.ClientAttached(Kind, _clients.Count);
        }

        var writer = client.RunWriterAsync();
        var receiver = ReceiveLoopAsync(client, requestAborted);
        if (await Task.WhenAny(writer, receiver) == writer)
        {
            // Closed from our side (session ended, client too slow): give the peer the grace period to answer the close.
            if (await Task.WhenAny(receiver, Task.Delay(_options.CloseGrace, CancellationToken.None)) != receiver) socket.Abort();
        }
        else
        {
            client.Close(WebSocketCloseStatus.NormalClosure, "");
        }
        await Task.WhenAll(writer, receiver);
        Detach(client);
        return true;
    }

    private void Detach(ConsoleClient client)
    {
        lock (_gate)
        {
            if (!_clients.Remove(client)) return;
            _caughtUp?.TrySetResult();
            _caughtUp = null;
            if (client.TooSlow) _log.ClientTooSlow(Kind, _options.ClientQueueBytes);
            _log.ClientDetached(Kind, _clients.Count);
            if (_clients.Count == 0 && Kind == ConsoleKind.Shell && !_ended)
                _idleTimer = _clock.CreateTimer(_ => EndIfStillIdle(), null, _options.ShellIdleTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    private void EndIfStillIdle()
    {
        lock (_gate)
        {
            if (_clients.Count > 0 || _ended) return;
        }
        _log.ShellIdleEnded(_options.ShellIdleTimeout);
        _ = StopAsync("shell ended: no client attached");
    }

    private async Task ReadLoopAsync(Action<ConsoleSession> onEnded)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await _terminal.ReadAsync(buffer, _stop.Token)) > 0)
                if (Broadcast(buffer.AsSpan(0, n)) is { } paced) await paced.WaitAsync(_stop.Token);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
        catch (IOException e) { _log.TerminalReadFailed(Kind, e); }
        // Forgotten before any client hears of the end, so a client that reconnects on the close finds it gone.
        onEnded(this);

        // Stopped: the reason is already set, and the terminal must go first (a shell's exit status only
        // exists once the shell has been ended). Terminal gone by itself: say how it ended.
        if (!_stop.IsCancellationRequested)
        {
            var reason = await _endReason();
            lock (_gate) EndLocked(reason);
        }
        await _terminal.DisposeAsync();
        _log.SessionEnded(Kind, _endedBecause);
    }

    private void EndLocked(string reason)
    {
        if (_ended) return;
        (_ended, _endedBecause) = (true, reason);
        _caughtUp?.TrySetResult();
        _idleTimer?.Dispose();
        foreach (var client in _clients) client.Close(WebSocketCloseStatus.NormalClosure, reason);
    }

    /// <summary>Queues output to every client; returns a task to wait for when every client is behind (shell only).</summary>
    private Task? Broadcast(ReadOnlySpan<byte> output)
    {
        byte[] chunk;
        if (_outputBudget is not null && !_outputBudget.TryTake(output.Length))
        {
            // Keep draining the terminal (a blocked stdout would stall the game server); drop, and say so once.
            var first = _droppedOutput == 0;
            _droppedOutput += output.Length;
            if (!first) return null;
            _log.OutputThrottled(Kind, _options.ServerOutputBytesPerSecond);
            chunk = Notice($"console output throttled: the server writes more than {_options.ServerOutputBytesPerSecond / 1024} KiB/s; dropping output");
        }
        else if (_droppedOutput > 0)
        {
            chunk = [.. Notice($"console output resumed: {_droppedOutput} bytes were dropped"), .. output];
            _droppedOutput = 0;
        }
        else chunk = output.ToArray();

        lock (_gate)
        {
            _replay.Append(chunk);
            foreach (var client in _clients) client.TryEnqueue(chunk);
            if (Kind == ConsoleKind.Server || _clients.Count == 0 || _clients.Exists(c => c.QueuedBytes < PaceBytes)) return null;
            _caughtUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _caughtUp.Task;
        }
    }

    private long PaceBytes => _options.ClientQueueBytes / 4;

    /// <summary>A client sent output (or left): wake a paced reader if some client has caught up.</summary>
    private void ClientSent()
    {
        lock (_gate)
        {
            if (_caughtUp is null || (_clients.Count > 0 && !_ended && !_clients.Exists(c => c.QueuedBytes < PaceBytes))) return;
            _caughtUp.TrySetResult();
            _caughtUp = null;
        }
    }

    private static byte[] Notice(string text) => Encoding.UTF8.GetBytes(NoticeStart + text + NoticeEnd);

    /// <summary>Binary frames are keystrokes for the terminal; text frames are JSON control messages.</summary>
    private async Task ReceiveLoopAsync(ConsoleClient client, CancellationToken requestAborted)
    {
        var buffer = new byte[16 * 1024];
        var text = new MemoryStream();
        var commandBudget = Kind == ConsoleKind.Server
            ? new TokenBucket(_options.ServerCommandsPerSecond, _options.ServerCommandsPerSecond, _clock)
            : null;
        var lastLimitNotice = long.MinValue;
        try
        {
            while (true)
            {
                var result = await client.Socket.ReceiveAsync(buffer.AsMemory(), requestAborted);
                if (result.MessageType == WebSocketMessageType.Close) return;
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    var input = buffer.AsMemory(0, result.Count);
                    if (commandBudget is not null && !commandBudget.TryTake(CommandsIn(input.Span)))
                    {
                        if (_clock.GetElapsedTime(lastLimitNotice).TotalSeconds >= 1 || lastLimitNotice == long.MinValue)
                        {
                            lastLimitNotice = _clock.GetTimestamp();
                            client.TryEnqueue(Notice($"input rate limit: at most {_options.ServerCommandsPerSecond} commands per second; input dropped"));
                            _log.InputRateLimited(Kind, _options.ServerCommandsPerSecond);
                        }
                        continue;
                    }
                    try { await _terminal.WriteAsync(input, requestAborted); }
                    catch (Exception e) when (e is IOException or ObjectDisposedException) { return; }   // the terminal is gone; the reader ends the session
                    continue;
                }
                if (text.Length + result.Count > MaxControlMessage)
                {
                    client.Close(WebSocketCloseStatus.MessageTooBig, $"control messages are at most {MaxControlMessage} bytes");
                    return;
                }
                text.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                HandleControl(client, text.ToArray());
                text.SetLength(0);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
    }

    /// <summary>Lines sent: each CR, and each LF not right after a CR (one Enter is one command however the client encodes it).</summary>
    private static int CommandsIn(ReadOnlySpan<byte> input)
    {
        var commands = 0;
        for (var i = 0; i < input.Length; i++)
            if (input[i] == '\r' || (input[i] == '\n' && (i == 0 || input[i - 1] != '\r'))) commands++;
        return commands;
    }

    private void HandleControl(ConsoleClient client, byte[] json)
    {
        switch (ConsoleControl.Parse(json))
        {
            case ConsoleControl.Ping:
                client.EnqueueControl("""{"type":"pong"}""");
                break;
            case ConsoleControl.Resize resize:
                try { _terminal.Resize(resize.Rows, resize.Cols); }
                catch (Exception e) when (e is IOException or ObjectDisposedException) { }   // the terminal is gone; the reader ends the session
                break;
            case ConsoleControl.Invalid invalid:
                client.EnqueueControl($$"""{"type":"error","message":"{{JsonEncodedText.Encode(invalid.Message)}}"}""");
                break;
        }
    }
}
