using ZeroLagHub.Agent.Pty;

namespace ZeroLagHub.Agent.Console;

/// <summary>A console terminal that is a PTY owned by the agent (the dev shell). Disposing ends the process.</summary>
public sealed class PtyConsoleTerminal(PtyProcess pty) : IConsoleTerminal
{
    public PtyProcess Process => pty;

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct) => pty.ReadAsync(buffer, ct);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> input, CancellationToken ct) => pty.WriteAsync(input, ct);

    public void Resize(int rows, int cols) => pty.Resize(rows, cols);

    public ValueTask DisposeAsync() => pty.DisposeAsync();
}
