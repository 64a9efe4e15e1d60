namespace ZeroLagHub.Agent.Console;

/// <summary>Which console of the container: the dev shell (started on first attach) or the game server's (lives as long as the server).</summary>
public enum ConsoleKind
{
    Shell,
    Server,
}
