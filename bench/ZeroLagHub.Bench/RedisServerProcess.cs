using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace ZeroLagHub.Bench;

/// <summary>
/// A private <c>redis-server</c> on a free loopback port, without persistence, for one benchmark run; password-protected
/// like every Redis here (local containers share the host's network). Disposing kills it (it keeps nothing worth a
/// clean shutdown).
/// </summary>
internal sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private readonly string _password;

    private RedisServerProcess(Process process, int port, string password) => (_process, Port, _password) = (process, port, password);

    public int Port { get; }

    /// <summary><c>127.0.0.1:port,password=…</c>, as the API's <c>Redis</c> setting and StackExchange.Redis take it.</summary>
    public string EndPoint => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)},password={_password}";

    public int ProcessId => _process.Id;

    public static async Task<RedisServerProcess> StartAsync(CancellationToken ct)
    {
        var port = FreeLoopbackPort();
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        // "-" reads the requirepass line from stdin, so the password is on no command line.
        var start = new ProcessStartInfo("redis-server") { RedirectStandardInput = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])["-", "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new UsageException("redis-server not found (apt-get install redis-server)");
        }
        await process.StandardInput.WriteLineAsync($"requirepass {password}");
        process.StandardInput.Close();
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var server = new RedisServerProcess(process, port, password);
        try
        {
            for (var attempt = 0; attempt < 100; attempt++)
            {
                if (process.HasExited) break;
                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, port, ct);
                    return server;
                }
                catch (SocketException)
                {
                    await Task.Delay(50, ct);
                }
            }
            throw new InvalidOperationException($"redis-server on {port} did not start");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A port nothing listens on now (the listener is closed again: a small race, fine on a bench machine).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.Kill();
            await _process.WaitForExitAsync(CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // Already gone (e.g. Ctrl+C reached the whole process group).
        }
        _process.Dispose();
    }
}
