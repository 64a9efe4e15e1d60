using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using ZeroLagHub.Domain.Containers;

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

    /// <summary>
    /// Publishes <paramref name="port"/>: slirp4netns listens on the host's <see cref="HostPort.Published"/> (every address)
    /// and passes what arrives to the container's port. Through its API socket, one request per connection.
    /// </summary>
    /// <exception cref="InvalidOperationException">slirp4netns refused (the host port is taken, most likely).</exception>
    public static async Task PublishAsync(string apiSocket, HostPort port, CancellationToken ct)
    {
        var request = JsonSerializer.Serialize(new
        {
            execute = "add_hostfwd",
            arguments = new { proto = port.Protocol, host_addr = "0.0.0.0", host_port = port.Published, guest_port = port.Port },
        });
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(apiSocket), ct);
        await socket.SendAsync(Encoding.UTF8.GetBytes(request), ct);
        socket.Shutdown(SocketShutdown.Send);
        // It answers with one JSON object and closes.
        var answer = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, ct)) > 0) answer.Write(buffer, 0, read);
        using var reply = JsonDocument.Parse(answer.ToArray());
        if (reply.RootElement.TryGetProperty("error", out var error))
            throw new InvalidOperationException($"host port {port.Published}/{port.Protocol} could not be published: "
                + (error.TryGetProperty("desc", out var desc) ? desc.GetString() : error.ToString()));
    }

    /// <summary>Whether this machine has <paramref name="port"/> free on every address for <paramref name="protocol"/> (nothing bound to it now).</summary>
    public static bool IsFree(int port, string protocol)
    {
        try
        {
            if (protocol == PublishedPort.Udp)
            {
                using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(IPAddress.Any, port));
            }
            else
            {
                using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                tcp.Bind(new IPEndPoint(IPAddress.Any, port));
                tcp.Listen(1);
            }
            return true;
        }
        catch (SocketException) { return false; }
    }
}
