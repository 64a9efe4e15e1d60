using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using ZeroLagHub.Projections.Redis;

namespace ZeroLagHub.Bench;

/// <summary>
/// GET throughput of our RESP client (one multiplexed connection, N callers each awaiting its reply before
/// the next) against <c>redis-benchmark -t get</c> with as many clients (one connection each), on the same
/// server in the same run. The ratio is what multiplexing over one connection and the .NET async path cost
/// (or gain, through batching) against C clients on their own sockets.
/// </summary>
internal static class RedisBenchmark
{
    public const string Usage = "  redis [--requests N] [--clients C]  GETs through our client vs redis-benchmark -t get (ZLH_REDIS or a private redis-server)";

    // redis-benchmark's default key and value size (-d 3), so both sides read the same thing.
    private const string Key = "key:__rand_int__";

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var options = Options.Parse(args, "--requests", "--clients");
        var requests = (int)options.Count("--requests", fallback: 200_000, min: 1000);
        var clients = (int)options.Count("--clients", fallback: 50, min: 1);

        var endPoint = Environment.GetEnvironmentVariable("ZLH_REDIS");
        Process? server = null;
        if (string.IsNullOrEmpty(endPoint)) (server, endPoint) = await StartServerAsync(ct);
        try
        {
            var redisOptions = RedisOptions.Parse(endPoint) with { CommandTimeout = TimeSpan.FromSeconds(30) };
            await using var redis = new RedisConnection(redisOptions);
            await redis.SetAsync(Key, "xxx", cancellationToken: ct);
            // RedisOptions.ToString leaves the password out.
            Console.WriteLine($"redis benchmark: {requests} GETs from {clients} concurrent callers, server {redisOptions}{(server is null ? "" : " (private)")}");

            await OursAsync(redis, requests / 10, clients, ct); // warm-up: JIT, connection, thread pool
            var baseline = await RedisBenchmarkAsync(redisOptions, requests, clients, ct);
            var ours = await OursAsync(redis, requests, clients, ct);

            Console.WriteLine($"redis-benchmark -t get -c {clients}: {baseline,12:N0} req/s  (baseline, {clients} connections)");
            Console.WriteLine($"ZeroLagHub RedisConnection:      {ours,12:N0} req/s  (1 multiplexed connection)");
            Console.WriteLine($"ratio ours / baseline: {ours / baseline:0.00}");
            return 0;
        }
        finally
        {
            if (server is not null)
            {
                server.Kill();
                await server.WaitForExitAsync(CancellationToken.None);
            }
        }
    }

    private static async Task<double> OursAsync(RedisConnection redis, int requests, int clients, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var share = requests / clients + (client < requests % clients ? 1 : 0);
            for (var i = 0; i < share; i++)
                if (await redis.GetAsync(Key, ct) is null) throw new InvalidOperationException($"{Key} vanished");
        }, ct)));
        return requests / stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task<double> RedisBenchmarkAsync(RedisOptions options, int requests, int clients, CancellationToken ct)
    {
        var start = new ProcessStartInfo("redis-benchmark") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-h", options.Host, "-p", options.Port.ToString(CultureInfo.InvariantCulture), "-t", "get",
                     "-n", requests.ToString(CultureInfo.InvariantCulture), "-c", clients.ToString(CultureInfo.InvariantCulture), "--csv"])
            start.ArgumentList.Add(argument);
        // redis-benchmark has no REDISCLI_AUTH (only redis-cli reads it): -a is its one way to authenticate.
        if (options.Password is not null)
        {
            start.ArgumentList.Add("-a");
            start.ArgumentList.Add(options.Password);
        }
        using var process = Process.Start(start) ?? throw new UsageException("redis-benchmark not found (apt-get install redis-tools)");
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        // --csv: a header line, then "GET","<rps>",...
        var row = output.Split('\n').FirstOrDefault(line => line.StartsWith("\"GET\"", StringComparison.Ordinal))
                  ?? throw new InvalidOperationException($"redis-benchmark printed no GET row:\n{output}");
        return double.Parse(row.Split(',')[1].Trim('"'), CultureInfo.InvariantCulture);
    }

    private static async Task<(Process, string)> StartServerAsync(CancellationToken ct)
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        // Password-protected like every Redis here (local containers share the host's network); "-" reads
        // the requirepass line from stdin, so it is not on a command line.
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var start = new ProcessStartInfo("redis-server") { RedirectStandardInput = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])["-", "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        await process.StandardInput.WriteLineAsync($"requirepass {password}");
        process.StandardInput.Close();
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, ct);
                return (process, $"127.0.0.1:{port},password={password}");
            }
            catch (SocketException)
            {
                await Task.Delay(50, ct);
            }
        }
        process.Kill();
        throw new InvalidOperationException($"redis-server on {port} did not start");
    }
}
