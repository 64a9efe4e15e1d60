using Microsoft.Win32.SafeHandles;

namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// A local container's network: its own namespace (bubblewrap's <c>--unshare-net</c>: a loopback of its own, nothing of
/// the host's), and outbound traffic through slirp4netns, a user-mode TCP/IP stack on the host side. With
/// <c>--disable-host-loopback</c> the gateway 10.0.2.2 does not lead to the host's 127.0.0.1, so PostgreSQL, Redis, the
/// API and other containers' agents stay out of reach; the rest of the world (and the host's other addresses) is reached
/// as from any process of the host. slirp4netns runs detached beside the init and ends when the init script does:
/// its <c>--exit-fd</c> is a pipe whose write end only the script holds (<see cref="ContainerInit.NetworkExitDescriptor"/>).
/// </summary>
public static class LocalNetwork
{
    /// <summary>The DNS forwarder slirp4netns offers inside (to the host's resolvers): the container's <c>/etc/resolv.conf</c>.</summary>
    public const string NameServer = "10.0.2.3";

    /// <summary>
    /// Starts slirp4netns for the namespace of <paramref name="namespacePid"/> and returns once the interface is up.
    /// <paramref name="exit"/> is the read end of the pipe the init holds the write end of.
    /// </summary>
    public static async Task StartAsync(string slirp4netns, int namespacePid, SafeFileHandle exit, string apiSocket, string log, CancellationToken ct)
    {
        File.Delete(apiSocket);
        var (ready, readyWrite) = DetachedSpawn.Pipe();
        using (ready)
        {
            using (readyWrite)
                DetachedSpawn.Start([slirp4netns, "--configure", "--mtu=65520", "--disable-host-loopback", "--enable-sandbox", "--enable-seccomp",
                        "--api-socket", apiSocket, "--exit-fd", "4", "--ready-fd", "5", $"{namespacePid}", "tap0"],
                    new Dictionary<string, string> { ["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin" }, log, null, [(exit, 4), (readyWrite, 5)]);
            // slirp4netns writes "1" once configured; EOF (nothing) when it exits first.
            var read = Task.Run(() =>
            {
                using var stream = new FileStream(ready, FileAccess.Read, 1);
                return stream.ReadByte();
            }, CancellationToken.None);
            var first = await read.WaitAsync(TimeSpan.FromSeconds(30), ct);
            if (first != '1') throw new InvalidOperationException($"slirp4netns did not configure the container's network (see {log})");
        }
    }
}
