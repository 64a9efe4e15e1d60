namespace ZeroLagHub.Domain.Servers;

/// <summary>
/// How a game server runs, given at provision time and kept by the agent.
/// </summary>
/// <param name="Command">The executable, resolved on PATH inside the container (e.g. <c>java</c>).</param>
/// <param name="Args">Its arguments, passed without a shell.</param>
/// <param name="WorkingDirectory">Relative to the server root, or absolute inside it; null for the root itself.</param>
/// <param name="StopCommand">Typed into the console to stop gracefully (e.g. <c>stop</c>); null sends SIGTERM at once.</param>
/// <param name="ReadyLine">A console substring that means "running" (e.g. <c>Done (</c>); null means running once started.</param>
/// <param name="GracefulTimeoutSeconds">How long a stop waits after the stop command before SIGTERM, then again before SIGKILL.</param>
/// <param name="ReadyTimeoutSeconds">Counted as running when the ready line has not appeared by then.</param>
public sealed record ServerSpec(
    string Command,
    IReadOnlyList<string>? Args = null,
    string? WorkingDirectory = null,
    string? StopCommand = "stop",
    string? ReadyLine = null,
    int GracefulTimeoutSeconds = 30,
    int ReadyTimeoutSeconds = 300);
