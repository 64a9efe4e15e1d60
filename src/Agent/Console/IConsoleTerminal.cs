namespace ZeroLagHub.Agent.Console;

/// A terminal a console session attaches to: a shell PTY owned by the agent, or a game server's PTY held by its holder process.
/// <remarks>
/// The session that receives a terminal owns it: exactly one reader loop calls <see cref="ReadAsync"/>,
/// and the session disposes the terminal when it ends (for a held game server, disposing must only
/// detach from the holder, never stop the server).
/// </remarks>
public interface IConsoleTerminal : IAsyncDisposable
{
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct); // 0 = the terminal is gone
    ValueTask WriteAsync(ReadOnlyMemory<byte> input, CancellationToken ct);
    void Resize(int rows, int cols);
}
