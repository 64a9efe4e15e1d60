using System.Net.Sockets;

namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// How agents in their own network namespaces reach the artifact server: a Unix socket in a directory of the control
/// plane's (root's, 0700; each container sees it read-only at <see cref="LocalSandbox.ArtifactRelayInside"/>), whose
/// connections are passed on byte for byte to the API's loopback address. Only root, i.e. the agents, may connect;
/// each still needs its container's artifact token. Chosen over a listener per container (one accept loop for every
/// container, nothing to bring back after a restart) and over the API listening on the socket itself (Kestrel's
/// configured addresses would have to change for every deployment).
/// </summary>
public sealed partial class ArtifactRelay(ApiLoopbackAddress api, ILogger<ArtifactRelay> logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Socket? _listener;
    private Task _accepting = Task.CompletedTask;

    /// <summary>The relay's directory under the local host's root: what containers get mounted.</summary>
    public static string DirectoryUnder(string root) => Path.Combine(root, ".artifact-relay");

    /// <summary>The socket's name in its directory.</summary>
    public const string SocketName = "artifacts.sock";

    /// <summary>Binds the socket (replacing one a previous API left) and starts passing connections on.</summary>
    public void Start(string root)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the control plane runs on Linux");
        var dir = DirectoryUnder(root);
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Path.Combine(dir, SocketName);
        File.Delete(path);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        listener.Listen(64);
        _listener = listener;
        _accepting = AcceptAsync(listener, _stop.Token);
    }

    private async Task AcceptAsync(Socket listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket agent;
            try { agent = await listener.AcceptAsync(ct); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || ct.IsCancellationRequested) { return; }
            _ = RelayAsync(agent, ct);
        }
    }

    private async Task RelayAsync(Socket agent, CancellationToken ct)
    {
        using var _ = agent;
        using var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            var address = await api.GetAsync(ct);
            await server.ConnectAsync(address.Host, address.Port, ct);
            await using var a = new NetworkStream(agent, ownsSocket: false);
            await using var b = new NetworkStream(server, ownsSocket: false);
            // Either side finishing ends both: HTTP/1.1 over it has nothing to say after one side closed.
            await Task.WhenAny(a.CopyToAsync(b, ct), b.CopyToAsync(a, ct));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException) { LogRelayEnded(logger, e.Message); }
    }

    public async ValueTask DisposeAsync()
    {
        // The socket file stays: a next API (perhaps already started) binds its own in its place.
        await _stop.CancelAsync();
        _listener?.Dispose();
        await _accepting;
        _stop.Dispose();
    }

    [LoggerMessage(1, LogLevel.Debug, "An artifact relay connection ended: {Reason}")]
    private static partial void LogRelayEnded(ILogger logger, string reason);
}
