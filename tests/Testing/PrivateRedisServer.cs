using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace ZeroLagHub.Testing;

/// <summary>
/// A redis-server of this test's own, on a free loopback port, so it can be killed, paused and restarted
/// without disturbing the shared one. Kill and restart keep the port and the passwords. It has the API's ACL user
/// too, as the shared one does.
/// </summary>
/// <remarks>
/// Password-protected like the shared one: local containers share the host's network, and the API tests run
/// real local agents beside it. The password reaches redis-server as configuration on its stdin, not as an
/// argument anyone could read in <c>ps</c>.
/// </remarks>
public sealed class PrivateRedisServer : IAsyncDisposable
{
    private readonly string[] _extraArguments;
    private Process? _process;

    private PrivateRedisServer(int port, string[] extraArguments)
    {
        Port = port;
        _extraArguments = extraArguments;
    }

    public int Port { get; }

    /// <summary>host:port alone: connecting with it gets NOAUTH.</summary>
    public string EndPoint => $"127.0.0.1:{Port}";

    public string Password { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    /// <summary>host:port,password=…: Redis' default user, allowed every command.</summary>
    public string ConnectionString => $"{EndPoint},password={Password}";

    /// <summary>The API's ACL user, allowed only the commands scripts/services.sh grants it (<see cref="ApiRedisUser"/>).</summary>
    public string ApiConnectionString => $"{EndPoint},user={ApiRedisUser.Name},password={ApiPassword}";

    private string ApiPassword { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    public static async Task<PrivateRedisServer> StartAsync(params string[] extraArguments)
    {
        var server = new PrivateRedisServer(FreePort(), extraArguments);
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts the server (again) and returns once it accepts connections.</summary>
    public async Task RestartAsync()
    {
        var start = new ProcessStartInfo("redis-server") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        // "-": configuration from stdin, before the arguments.
        foreach (var argument in (string[])["-", "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", .. _extraArguments])
            start.ArgumentList.Add(argument);
        _process = Process.Start(start)!;
        await _process.StandardInput.WriteLineAsync($"requirepass {Password}");
        await _process.StandardInput.WriteLineAsync(ApiRedisUser.ConfigurationLine(ApiPassword));
        _process.StandardInput.Close();
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (_process.HasExited) throw new InvalidOperationException($"redis-server on {Port} exited with {_process.ExitCode}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new InvalidOperationException($"redis-server on {Port} did not start");
    }

    /// <summary>SIGKILL: the server vanishes with its data, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
