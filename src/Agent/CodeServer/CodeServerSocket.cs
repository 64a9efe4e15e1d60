using System.Net.Sockets;
using System.Text;
using ZeroLagHub.Agent.Files.Native;
using ZeroLagHub.Agent.Provisioning;

namespace ZeroLagHub.Agent.CodeServer;

/// <summary>
/// code-server's Unix socket, the only way to it: code-server runs with <c>--auth none</c>, so whoever can
/// connect gets the IDE and a terminal as the dev user. It lives in a directory that belongs to code-server's
/// user with mode 0700, and code-server sets the socket itself to 0600 (<c>--socket-mode 600</c>); nobody else
/// but root can open it. The agent connects as root or as that same user.
/// </summary>
/// <remarks>
/// NOTE: why not a loopback port: on the local container host all containers share the host's network
/// namespace, so any local user could open <c>127.0.0.1:&lt;port&gt;</c>; on Proxmox each container has its
/// own loopback, but anything in the container (a game's plugin, another user) could still.
/// </remarks>
internal static class CodeServerSocket
{
    /// <summary>A Unix socket's path fits in <c>sun_path</c>: 108 bytes with the terminating NUL.</summary>
    public const int MaxPathBytes = 107;

    /// <summary>The mode code-server gives the socket (<c>--socket-mode</c>, octal).</summary>
    public const string Mode = "600";

    private const uint PrivateDirectoryMode = 0b111_000_000;   // 0700

    /// <summary>Why <paramref name="socketPath"/> cannot be a Unix socket's path; null when it can.</summary>
    public static string? CheckLength(string socketPath)
    {
        var bytes = Encoding.UTF8.GetByteCount(socketPath);
        return bytes <= MaxPathBytes ? null
            : $"code-server's socket path {socketPath} is {bytes} bytes, more than the {MaxPathBytes} a Unix socket allows: configure a shorter RunDir";
    }

    /// <summary>
    /// Makes <paramref name="directory"/> (creating its parents) a directory of <paramref name="owner"/> (null: the
    /// agent's own user) with mode 0700, whatever was there: mode and owner are set through a descriptor opened
    /// with <c>O_NOFOLLOW</c>, so a symbolic link put in its place fails instead of handing over its target.
    /// Returns why it could not; null when the directory is private now.
    /// </summary>
    public static string? PrepareDirectory(string directory, UnixAccount? owner)
    {
        try { Directory.CreateDirectory(Path.GetDirectoryName(directory)!); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return $"cannot create {Path.GetDirectoryName(directory)}: {e.Message}"; }
        if (Libc.mkdirat(Libc.AT_FDCWD, directory, PrivateDirectoryMode) != 0 && Errno.Last != Errno.EEXIST)
            return $"cannot create {directory}: errno {Errno.Last}";
        var fd = Libc.openat(Libc.AT_FDCWD, directory, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
        if (fd < 0) return $"{directory} is not a directory (a symbolic link, or something else): errno {Errno.Last}";
        using var dir = new Fd(fd);
        // chown first: it would clear mode bits set before it.
        if (owner is { } o && Libc.fchown(dir.Value, o.Uid, o.Gid) != 0) return $"cannot give {directory} to {o.Name}: errno {Errno.Last}";
        if (Libc.fchmod(dir.Value, PrivateDirectoryMode) != 0) return $"cannot make {directory} private (mode 0700): errno {Errno.Last}; does it belong to another user?";
        if (StatX.TryGet(dir, out var stat) != 0) return $"cannot stat {directory}: errno {Errno.Last}";
        var uid = owner?.Uid ?? Libc.geteuid();
        if (stat.Uid != uid || stat.Permissions != PrivateDirectoryMode)
            return $"{directory} belongs to uid {stat.Uid} with mode {Convert.ToString(stat.Permissions, 8)}, not to uid {uid} with 700";
        return null;
    }

    /// <summary>Removes a socket a killed code-server left behind (never what a link points to); true when none is there now.</summary>
    public static bool RemoveStale(string socketPath)
    {
        if (StatX.TryGet(socketPath, out var stat) != 0) return true;   // nothing there
        if (!stat.IsSocket) return false;                                   // not ours to delete
        try { File.Delete(socketPath); return true; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>Whether the socket exists and neither its group nor others may open it.</summary>
    public static bool IsPrivate(string socketPath) =>
        StatX.TryGet(socketPath, out var stat) == 0 && stat.IsSocket && (stat.Permissions & 0b000_111_111) == 0;

    /// <summary>Whether something accepts connections on the socket.</summary>
    public static async Task<bool> AcceptsAsync(string socketPath, CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
            return true;
        }
        catch (SocketException) { return false; }
    }
}
