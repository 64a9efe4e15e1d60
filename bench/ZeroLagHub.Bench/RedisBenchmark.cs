using System.Diagnostics;
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
    private const string Key = RedisBenchmarkTool.Key;

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var options = Options.Parse(args, "--requests", "--clients");
        var requests = (int)options.Count("--requests", fallback: 200_000, min: 1000);
        var clients = (int)options.Count("--clients", fallback: 50, min: 1);

        var configured = Environment.GetEnvironmentVariable("ZLH_REDIS");
        await using var server = string.IsNullOrEmpty(configured) ? await RedisServerProcess.StartAsync(ct) : null;
        var endPoint = server?.EndPoint ?? configured!;
        var redisOptions = RedisOptions.Parse(endPoint) with { CommandTimeout = TimeSpan.FromSeconds(30) };
        await using var redis = new RedisConnection(redisOptions);
        await redis.SetAsync(Key, "xxx", cancellationToken: ct);
        // RedisOptions.ToString leaves the password out.
        Console.WriteLine($"redis benchmark: {requests} GETs from {clients} concurrent callers, server {redisOptions}{(server is null ? "" : " (private)")}");

        await OursAsync(redis, requests / 10, clients, ct); // warm-up: JIT, connection, thread pool
        var baseline = (await RedisBenchmarkTool.GetAsync(redisOptions, requests, clients, ct)).RequestsPerSecond;
        var ours = await OursAsync(redis, requests, clients, ct);

        Console.WriteLine($"redis-benchmark -t get -c {clients}: {baseline,12:N0} req/s  (baseline, {clients} connections)");
        Console.WriteLine($"ZeroLagHub RedisConnection:      {ours,12:N0} req/s  (1 multiplexed connection)");
        Console.WriteLine($"ratio ours / baseline: {ours / baseline:0.00}");
        return 0;
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
}
