using System.Runtime.InteropServices;

namespace ZeroLagHub.Agent.CodeServer;

/// <summary>
/// kill(2). NOTE: <see cref="System.Diagnostics.Process.Kill()"/> only sends SIGKILL, which gives
/// code-server no chance to save state or stop its extension host; a stop sends SIGTERM first.
/// It also reaches a code-server started by an earlier agent, for which there is no Process handle.
/// </summary>
internal static class Signals
{
    public const int Term = 15;
    public const int Kill = 9;

    public static bool Send(int pid, int signal) => kill(pid, signal) == 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
