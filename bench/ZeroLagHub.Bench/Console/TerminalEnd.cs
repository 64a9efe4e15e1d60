using System.Net.WebSockets;
using ZeroLagHub.Agent.Pty;

// Namespace ZeroLagHub.Bench, not .Console: a Console namespace would hide System.Console from the other benchmarks.
namespace ZeroLagHub.Bench;

/// <summary>One side of a shell: through the console WebSocket, or the PTY read directly in-process (the baseline).</summary>
internal abstract class TerminalEnd
{
    public abstract ValueTask SendAsync(ReadOnlyMemory<byte> keys, CancellationToken ct);

    /// <summary>Output bytes read into <paramref name="buffer"/>; 0 when the terminal is gone.</summary>
    public abstract ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct);

    /// <summary>
    /// Sets a plain prompt and reads until it is shown after a marker, so the next read starts clean.
    /// (Not "read until quiet": cancelling a WebSocket receive aborts the socket.)
    /// </summary>
    public async Task SyncAsync(CancellationToken ct)
    {
        await SendAsync("PS1='$ '; echo READY''SYNC\r"u8.ToArray(), ct);
        var seen = new System.Text.StringBuilder();
        var buffer = new byte[64 * 1024];
        int marker;
        while ((marker = seen.ToString().IndexOf("READYSYNC\r\n", StringComparison.Ordinal)) < 0 ||
               seen.ToString().IndexOf("$ ", marker, StringComparison.Ordinal) < 0)
        {
            var n = await ReceiveAsync(buffer, ct);
            if (n == 0) throw new InvalidOperationException("the shell ended");
            seen.Append(System.Text.Encoding.Latin1.GetString(buffer, 0, n));
        }
    }

    public sealed class Socket(ClientWebSocket socket) : TerminalEnd
    {
        public override ValueTask SendAsync(ReadOnlyMemory<byte> keys, CancellationToken ct) =>
            socket.SendAsync(keys, WebSocketMessageType.Binary, true, ct);

        public override async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct)
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close) return 0;
                if (result.MessageType == WebSocketMessageType.Binary) return result.Count;
            }
        }
    }

    public sealed class Direct(PtyProcess pty) : TerminalEnd
    {
        public override ValueTask SendAsync(ReadOnlyMemory<byte> keys, CancellationToken ct) => pty.WriteAsync(keys, ct);

        public override ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct) => pty.ReadAsync(buffer, ct);
    }
}
