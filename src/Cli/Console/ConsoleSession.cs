using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Shell;

namespace ZeroLagHub.Cli.Consoles;

/// <summary>
/// A whole <c>zlh console</c>: the first connection (whose refusal is the command's error), raw mode while
/// attached, and reconnecting when the connection is lost: on close 1012 "agent restarted, reconnect" (and
/// the agent's other "reconnect" closes), or on a connection that broke without a close, it retries with
/// backoff (0.5 s doubling to 5 s) for up to 60 s. A normal close (the shell exited) ends with exit 0.
/// </summary>
internal sealed class ConsoleSession(CliContext cli, ConsoleTarget target, DetachKey? detachKey)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);

    private bool _raw;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var first = await ConsoleSocket.ConnectAsync(cli.Client, target, TerminalSize.Read(), ct);
        if (first.Problem is { } refused) return cli.Fail(refused);

        Finish finish;
        RawMode? raw;
        try { raw = RawMode.Enter(); }
        catch (IOException e)
        {
            first.Value!.Dispose();
            return cli.Fail(e.Message);
        }
        using (raw)
        {
            _raw = raw is not null;
            // Piped input has no keystrokes to detach with: it ends, and that ends the console.
            var input = TerminalInput.Start(terminal: _raw, _raw ? detachKey : null);
            using var resizes = TerminalSize.Read() is null ? null : TerminalSize.Watch(input.Resized);
            if (_raw) Notice($"connected to {target.Description}" + (detachKey is null ? "" : $"; {detachKey.Name} detaches"));
            // Piped or redirected: plain text, without the container terminal's escape sequences.
            using var stdout = CliContext.IsTerminal ? Console.OpenStandardOutput() : new PlainTextOutput(Console.OpenStandardOutput());
            finish = await AttachAsync(first.Value!, input, stdout, ct);
        }

        // The terminal is in its own mode again: the last words are ordinary lines, on a line of their own.
        if (_raw) Console.Error.WriteLine();
        if (finish.Message is { } message) Console.Error.WriteLine(finish.Error ? $"zlh: {message}" : $"[zlh] {message}");
        return finish.ExitCode;
    }

    private async Task<Finish> AttachAsync(WebSocket socket, TerminalInput input, Stream stdout, CancellationToken ct)
    {
        while (true)
        {
            AttachmentEnd end;
            using (socket) end = await new Attachment(socket, target, input, stdout, Notice).RunAsync(ct);
            switch (end)
            {
                case AttachmentEnd.Detached:
                    return Finish.Done("detached");
                case AttachmentEnd.InputDone or AttachmentEnd.OutputGone:
                    return Finish.Done(null);
                case AttachmentEnd.Interrupted:
                    return Finish.Failed("interrupted");
                case AttachmentEnd.Closed closed when !AsksToReconnect(closed):
                    return closed.Status is null or WebSocketCloseStatus.NormalClosure or WebSocketCloseStatus.Empty
                        ? Finish.Done(string.IsNullOrEmpty(closed.Reason) ? "console closed" : closed.Reason)
                        : Finish.Failed($"the console was closed: {(int)closed.Status} {closed.Reason}".TrimEnd());
            }

            Notice("connection lost, reconnecting…");
            var (next, gaveUp) = await ReconnectAsync(input, ct);
            if (next is null) return gaveUp!;
            socket = next;
            Notice("reconnected");
        }
    }

    /// <summary>1012 from the API (the agent's side dropped), 1001 or a reason ending in "reconnect" from the agent (its console ended or was replaced).</summary>
    private static bool AsksToReconnect(AttachmentEnd.Closed closed) =>
        closed.Status is (WebSocketCloseStatus)1012 or WebSocketCloseStatus.EndpointUnavailable
        || closed.Reason?.EndsWith("reconnect", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>Retries until a connection is back, the detach key is typed, the API says no for good, or <see cref="GiveUpAfter"/>.</summary>
    private async Task<(WebSocket? Socket, Finish? Finish)> ReconnectAsync(TerminalInput input, CancellationToken ct)
    {
        var lost = Stopwatch.StartNew();
        var delay = FirstRetry;
        ApiProblem? last = null;
        try
        {
            while (lost.Elapsed < GiveUpAfter)
            {
                var wait = Task.Delay(delay, ct);
                if (await Task.WhenAny(wait, input.Detached) == input.Detached) return (null, Finish.Done("detached"));
                await wait;
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetry.Ticks));

                var attempt = await ConsoleSocket.ConnectAsync(cli.Client, target, TerminalSize.Read(), ct);
                if (attempt.Value is { } socket) return (socket, null);
                last = attempt.Problem!;
                // No point in retrying what the API refuses for good (the session, the container, the request).
                if (last.Status is (int)HttpStatusCode.BadRequest or (int)HttpStatusCode.Unauthorized or (int)HttpStatusCode.Forbidden
                    or (int)HttpStatusCode.NotFound)
                    return (null, Finish.From(last));
                if (last.Status == (int)HttpStatusCode.BadGateway && await GoneAsync(ct) is { } gone) return (null, gone);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return (null, Finish.Failed("interrupted"));
        }
        return (null, new Finish(ExitCodes.Failed, $"could not reconnect within {GiveUpAfter.TotalSeconds:0} s: {last}", Error: true));
    }

    /// <summary>The agent is unreachable: a container that was stopped or deleted is not coming back by waiting.</summary>
    private async Task<Finish?> GoneAsync(CancellationToken ct)
    {
        var found = await cli.Client.GetContainerAsync(target.Id, ct);
        if (found.Problem is { Status: (int)HttpStatusCode.NotFound } notFound) return Finish.From(notFound);
        return found.Value?.Lifecycle switch
        {
            "stopped" => new Finish(ExitCodes.Failed,
                $"container {target.Reference} was stopped: zlh start {target.Reference}, then zlh console {target.Reference}", Error: true),
            "deleted" => new Finish(ExitCodes.NotFound, $"container {target.Reference} was deleted", Error: true),
            _ => null,
        };
    }

    /// <summary>A line on stderr while attached; in raw mode the terminal does not add carriage returns, so we do.</summary>
    private void Notice(string text) => Console.Error.Write(_raw ? $"\r\n[zlh] {text}\r\n" : $"[zlh] {text}\n");

    /// <summary>How the command ends: its exit code and its last line on stderr (<c>[zlh] …</c>, or <c>zlh: …</c> for an error).</summary>
    private sealed record Finish(int ExitCode, string? Message, bool Error)
    {
        public static Finish Done(string? message) => new(ExitCodes.Ok, message, Error: false);

        public static Finish Failed(string message) => new(ExitCodes.Failed, message, Error: true);

        public static Finish From(ApiProblem problem) => new(problem.ExitCode, problem.ToString(), Error: true);
    }
}
