using System.Net.Sockets;
using System.Runtime.InteropServices;
using ZeroLagHub.Agent.Files.Native;

namespace ZeroLagHub.Agent.CodeServer;

/// <summary>
/// Gives the agent's IDE hop its own name for code-server's socket, in a directory only the agent can write
/// (<see cref="CodeServerLocator.HopSocketPath"/>): a hard link to the socket code-server bound, made once the
/// agent has checked that the process listening on it is the code-server it started.
/// </summary>
/// <remarks>
/// NOTE: why: code-server must bind its socket in a directory its own user can write, and the container's code
/// runs as that user too: it could remove that socket and bind its own in its place, then serve the user's
/// browser a page of its choosing on the API's origin. The link names the socket's inode, which connect() follows
/// to the listener that bound it: whatever later happens at code-server's path, the hop reaches code-server or,
/// once it has exited, nothing (a 502).
/// NOTE: link first, check second: checking the path and then linking it would leave a moment to swap the socket.
/// </remarks>
internal static class CodeServerHandOff
{
    private const int SolSocket = 1, SoPeerCred = 17;

    /// <summary>Links <paramref name="socketPath"/> to <paramref name="hopPath"/> when its listener is <paramref name="codeServerPid"/> or one of its descendants; why not, null when done.</summary>
    public static async Task<string?> LinkAsync(string socketPath, string hopPath, int codeServerPid, CancellationToken ct)
    {
        if (CodeServerSocket.CheckLength(hopPath) is { } tooLong) return tooLong;
        if (CodeServerSocket.PrepareDirectory(Path.GetDirectoryName(hopPath)!, owner: null) is { } notPrivate) return notPrivate;
        if (!CodeServerSocket.RemoveStale(hopPath)) return $"{hopPath} exists and is not a socket the agent can remove";
        if (link(socketPath, hopPath) != 0) return $"cannot link {socketPath} to {hopPath}: errno {Marshal.GetLastPInvokeError()}";

        var listener = await ListenerPidAsync(hopPath, ct);
        if (listener is { } pid && IsSameOrDescendant(pid, codeServerPid)) return null;
        CodeServerSocket.RemoveStale(hopPath);
        return listener is null
            ? $"nothing listens on {socketPath} any more"
            : $"{socketPath} is held by pid {listener}, not by code-server (pid {codeServerPid}) or its children: another process took its place";
    }

    /// <summary>The pid that listens on <paramref name="path"/> (SO_PEERCRED: the listener's, from when it called listen()); null if none does.</summary>
    private static async Task<int?> ListenerPidAsync(string path, CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try { await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct); }
        catch (SocketException) { return null; }
        var credentials = new byte[12];   // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        socket.GetRawSocketOption(SolSocket, SoPeerCred, credentials);
        return BitConverter.ToInt32(credentials, 0);
    }

    /// <summary>Walks <paramref name="pid"/>'s parents (/proc/&lt;pid&gt;/stat) up to <paramref name="ancestor"/> or init.</summary>
    private static bool IsSameOrDescendant(int pid, int ancestor)
    {
        for (var hops = 0; pid > 1 && hops < 64; hops++)
        {
            if (pid == ancestor) return true;
            string stat;
            try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
            // "pid (comm) state ppid …": comm may hold spaces and parentheses; the last ')' ends it.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (!int.TryParse(fields[1], out pid)) return false;
        }
        return false;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int link([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);
}
