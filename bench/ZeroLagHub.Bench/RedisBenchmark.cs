using System.Diagnostics;
using StackExchange.Redis;
using ZeroLagHub.Projections.Multiplexer;

namespace ZeroLagHub.Bench;

/// <summary>
/// GET throughput of the API's StackExchange.Redis multiplexer (<see cref="RedisMultiplexer"/>: one connection, N callers each awaiting its reply before
/// the next) against <c>redis-benchmark -t get</c> with as many clients (one connection each), on the same
/// server in the same run. The ratio is what multiplexing over one connection and the .NET async path cost
/// (or gain, through batching) against C clients on their own sockets.
/// </summary>
internal static class RedisBenchmark
{
    public const string Usage = "  redis [--requests N] [--clients C]  GETs through the API's multiplexer vs redis-benchmark -t get (ZLH_REDIS or a private redis-server)";

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
        var redisOptions = RedisMultiplexer.Options($"{endPoint},timeout=30000");
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(redisOptions);
        var redis = multiplexer.GetDatabase();
        await redis.StringSetAsync(Key, "xxx");
        Console.WriteLine($"redis benchmark: {requests} GETs from {clients} concurrent callers, server {redisOptions.ToString(includePassword: false)}{(server is null ? "" : " (private)")}");

        await OursAsync(redis, requests / 10, clients, ct); // warm-up: JIT, connection, thread pool
        var baseline = (await RedisBenchmarkTool.GetAsync(redisOptions, requests, clients, ct)).RequestsPerSecond;
        var ours = await OursAsync(redis, requests, clients, ct);

        Console.WriteLine($"redis-benchmark -t get -c {clients}: {baseline,12:N0} req/s  (baseline, {clients} connections)");
        Console.WriteLine($"StackExchange.Redis (the API's): {ours,12:N0} req/s  (1 multiplexed connection)");
        Console.WriteLine($"ratio ours / baseline: {ours / baseline:0.00}");
        return 0;
    }

    private static async Task<double> OursAsync(IDatabase redis, int requests, int clients, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var share = requests / clients + (client < requests % clients ? 1 : 0);
            for (var i = 0; i < share; i++)
                if ((await redis.StringGetAsync(Key)).IsNull) throw new InvalidOperationException($"{Key} vanished");
        }, ct)));
        return requests / stopwatch.Elapsed.TotalSeconds;
    }
}
