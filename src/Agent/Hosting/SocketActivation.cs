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
        builder.Services.AddHostedService(sp => new LetGoAtStop(sp.GetRequiredService<IHostApplicationLifetime>(), fd));
    }

    /// <summary>
    /// Lets go of the socket as the agent stops, before Kestrel closes it: the descriptor is pointed at /dev/null.
    /// .NET, closing a close-on-exec socket that an operation (the pending accept) still uses, shuts it down to unblock
    /// that operation, and a shutdown reaches every holder of the socket: the init's copy would be dead for the next
    /// agent (connections refused until the container restarts). The socket itself stays with the init.
    /// </summary>
    private sealed class LetGoAtStop(IHostApplicationLifetime lifetime, int fd) : IHostedService
    {
        public Task StartAsync(CancellationToken ct)
        {
            lifetime.ApplicationStopping.Register(() =>
            {
                var devNull = open("/dev/null", ORdOnly | OCloExec);
                if (devNull < 0) return;
                _ = dup3(devNull, fd, OCloExec);
                _ = close(devNull);
            });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }

    private const int FSetFd = 2, FdCloExec = 1, ORdOnly = 0, OCloExec = 0x80000;

    [DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int fd, int command, int argument);

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int dup3(int oldFd, int newFd, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
