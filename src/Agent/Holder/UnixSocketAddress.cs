using System.ComponentModel;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using ZeroLagHub.Agent.Files.Native;

namespace ZeroLagHub.Agent.Holder;

/// <summary>
/// The address of a Unix socket file, whatever the length of its path. <c>sun_path</c> holds 108 bytes,
/// and a container's rootfs under the local host (or a test's temp directory) is easily longer; such a
/// path is reached through an <c>O_PATH</c> descriptor of its directory, as <c>/proc/self/fd/N/name</c>.
/// Keep the address alive while binding or connecting: disposing closes that descriptor.
/// </summary>
internal sealed class UnixSocketAddress : IDisposable
{
    private const int SunPathBytes = 107;   // 108 with the terminating NUL
    private readonly int _directoryFd = -1;

    public UnixSocketAddress(string path)
    {
        if (Encoding.UTF8.GetByteCount(path) <= SunPathBytes)
        {
            EndPoint = new UnixDomainSocketEndPoint(path);
            return;
        }
        var directory = Path.GetDirectoryName(path) ?? throw new ArgumentException($"{path} has no directory", nameof(path));
        _directoryFd = Libc.openat(Libc.AT_FDCWD, directory, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (_directoryFd < 0) throw new IOException($"cannot open {directory}", new Win32Exception(Marshal.GetLastPInvokeError()));
        EndPoint = new UnixDomainSocketEndPoint($"/proc/self/fd/{_directoryFd}/{Path.GetFileName(path)}");
    }

    public UnixDomainSocketEndPoint EndPoint { get; }

    public void Dispose()
    {
        if (_directoryFd >= 0) Libc.close(_directoryFd);
    }
}
