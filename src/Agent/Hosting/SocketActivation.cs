using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ZeroLagHub.Agent.Hosting;

/// <summary>
/// systemd's socket activation protocol, as the local host uses it: the control plane binds the agent's Unix socket in
/// a directory no container can write and hands the listening descriptor in as fd 3 with <c>LISTEN_FDS=1</c>; the agent
/// serves on it instead of binding an address itself (which the container's code could take over while the agent
/// restarts). <c>LISTEN_PID</c>, when set, must be ours (else the variables were meant for a parent).
/// </summary>
public static class SocketActivation
{
    /// <summary>The first descriptor passed (<c>SD_LISTEN_FDS_START</c>).</summary>
    public const int FirstDescriptor = 3;

    /// <summary>
    /// The handed-in descriptor, if any, now close-on-exec: the container's code the agent starts must never inherit
    /// it (it could accept the control plane's connections, token included). The variables are cleared, as
    /// <c>sd_listen_fds(1)</c> does, so no child takes them for its own.
    /// </summary>
    public static int? Take()
    {
        var fds = Environment.GetEnvironmentVariable("LISTEN_FDS");
        var pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        Environment.SetEnvironmentVariable("LISTEN_FDS", null);
        Environment.SetEnvironmentVariable("LISTEN_PID", null);
        if (fds is null) return null;
        if (fds != "1") throw new InvalidOperationException($"LISTEN_FDS={fds}: the agent serves on exactly one handed-in socket");
        if (pid is not null && pid != Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)) return null;
        if (fcntl(FirstDescriptor, FSetFd, FdCloExec) != 0)
            throw new InvalidOperationException($"LISTEN_FDS=1 but fd {FirstDescriptor} is not open (errno {Marshal.GetLastPInvokeError()})");
        return FirstDescriptor;
    }

    /// <summary>Serves on the handed-in socket, when there is one (then <c>--urls</c> is not used).</summary>
    public static void Configure(WebApplicationBuilder builder)
    {
        if (Take() is not { } fd) return;
        builder.WebHost.ConfigureKestrel(k => k.ListenHandle((ulong)fd, o => o.Protocols = HttpProtocols.Http1));
    }

    private const int FSetFd = 2, FdCloExec = 1;

    [DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int fd, int command, int argument);
}
