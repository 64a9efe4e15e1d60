namespace ZeroLagHub.Agent.Console;

/// <summary>Console session limits (configuration section <c>Console</c>).</summary>
public sealed class ConsoleOptions
{
    /// <summary>A dev shell with no attached socket for this long is ended; a server console lives as long as the server.</summary>
    public TimeSpan ShellIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Recent output replayed to a socket when it attaches, so a reconnecting client sees its screen.</summary>
    public int ReplayBytes { get; set; } = 64 * 1024;

    /// <summary>WebSocket ping interval; a client that does not answer within <see cref="KeepAliveTimeout"/> is dropped.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Output queued for one socket beyond this means the client fell too far behind: it is disconnected (it can reattach and replay).</summary>
    public int ClientQueueBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a socket being closed gets to take its close frame before it is aborted.</summary>
    public TimeSpan CloseGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Server consoles: commands (input lines) per second a client may send, as a burst of the same size.</summary>
    public int ServerCommandsPerSecond { get; set; } = 10;

    /// <summary>Server consoles: output beyond this rate (after a burst of four seconds' worth) is dropped with a notice, so a runaway log cannot flood every client.</summary>
    public int ServerOutputBytesPerSecond { get; set; } = 512 * 1024;
}
