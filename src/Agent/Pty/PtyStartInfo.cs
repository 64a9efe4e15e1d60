using ZeroLagHub.Agent.Provisioning;

namespace ZeroLagHub.Agent.Pty;

/// <summary>
/// What to run on a new pseudo-terminal. <paramref name="Program"/> is looked up on the agent's PATH.
/// <paramref name="Environment"/> is the child's whole environment, except that <c>TERM</c>
/// (<c>xterm-256color</c>), <c>HOME</c>, <c>USER</c> and <c>LOGNAME</c> are filled in from
/// <paramref name="RunAs"/> (or the agent's own account) when it does not set them.
/// <paramref name="RunAs"/>: start the program as that account (through <c>setpriv</c>, which execs it,
/// so <see cref="PtyProcess.Pid"/> is still the program's); only root may pass one.
/// </summary>
public sealed record PtyStartInfo(
    string Program,
    IReadOnlyList<string> Args,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    int Rows = 24,
    int Cols = 80,
    UnixAccount? RunAs = null);
