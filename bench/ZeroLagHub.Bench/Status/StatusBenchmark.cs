using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using ZeroLagHub.Bench.Polling;
using Microsoft.Extensions.Logging.Abstractions;
using ZeroLagHub.Api.Storage.Marten;
using ZeroLagHub.Projections.Containers;
using StackExchange.Redis;
using ZeroLagHub.Projections.Multiplexer;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Bench.Status;

/// <summary>
/// <c>status</c> (issue 7): <c>GET /api/servers/{id}/status</c> of the real API, in a child process, at a fixed rate
/// (open loop, latency from each request's planned start), against <c>redis-benchmark -t get</c> on the same
/// private redis-server in the same run. Target: p99 under 10 ms at 2,000 req/s.
/// </summary>
/// <remarks>
/// Steps: (1) a fresh database, a private redis-server, the API on both (poller off, fresh data directory, so the
/// local host has no containers of its own to start); (2) an ordinary account, registered and logged in through the
/// API; (3) N game servers owned by it, seeded as events through the store (the API's projection daemon writes
/// their status rows, its publisher copies them to Redis), waited for until every <c>status:&lt;id&gt;</c> key
/// is in Redis, and a sample read checked (200, <c>stale: false</c>; a stranger's id is a 404); (4) the
/// connection pool opened and a warm-up at the same rate, not counted; (5) the measured run; (6) redis-benchmark
/// with as many GETs and clients as the run had requests and connections.
/// </remarks>
internal static class StatusBenchmark
{
    public const string Usage =
        "  status [--rate R (2000)] [--seconds S (30)] [--warmup S (5)] [--containers N (1000)] [--connections C (32)]\n" +
        "                                    (warm-up: at least S, then until the API's tiered JIT is quiet, at most 60 s more)\n" +
        "                                    GET /api/servers/{id}/status of the real API (child process), open loop at a fixed rate,\n" +
        "                                    vs redis-benchmark -t get on the same private redis-server; target p99 < 10 ms at 2,000 req/s";

    private const double TargetP99Ms = 10;
    private const double TargetRate = 2000;

    // The publisher's JSON for a live answer; a stale one (read from PostgreSQL) says true.
    private static readonly byte[] LiveMarker = "\"stale\":false"u8.ToArray();

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var options = Options.Parse(args, "--rate", "--seconds", "--warmup", "--containers", "--connections");
        var rate = (double)options.Count("--rate", 2000, 1);
        var duration = options.Seconds("--seconds", 30, 1);
        var warmup = options.Seconds("--warmup", 5, 0);
        var containers = (int)options.Count("--containers", 1000, 1);
        var connections = (int)options.Count("--connections", 32, 1);
        Console.Error.WriteLine($"load average at start: {CpuMeter.LoadAverage()}");

        // :: Step 1 — the benchmark's own pool only seeds; the API gets Npgsql's default pool size, as it runs with.
        await using var db = await BenchDatabase.CreateAsync(maxPoolSize: 10, ct);
        await using var redisServer = await RedisServerProcess.StartAsync(ct);
        var apiDatabase = new NpgsqlConnectionStringBuilder(db.ConnectionString) { MaxPoolSize = 100, ApplicationName = "zlh-api-bench" };
        var settings = new Dictionary<string, string>
        {
            ["Postgres"] = apiDatabase.ConnectionString,
            ["Redis"] = redisServer.EndPoint,
            ["Auth:AdminPassword"] = Convert.ToHexString(Guid.NewGuid().ToByteArray()),
            // Outlives the run, so the token minted at the start stays valid throughout.
            ["Auth:AccessTokenLifetime"] = (warmup + duration + TimeSpan.FromMinutes(15)).ToString("c", CultureInfo.InvariantCulture),
            ["Poller:Enabled"] = "false",
        };
        Console.Error.WriteLine("starting the API…");
        var starting = Stopwatch.StartNew();
        await using var api = await ApiProcess.StartAsync(settings, ct);
        Console.Error.WriteLine($"API pid {api.Id} healthy on {api.BaseAddress} after {starting.Elapsed.TotalSeconds:0.0} s");
        try
        {
            return await MeasureAsync(db, redisServer, api, rate, duration, warmup, containers, connections, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException && e is not UsageException)
        {
            Console.Error.WriteLine($"the API's last output:\n{api.LogTail()}");
            throw;
        }
    }

    private static async Task<int> MeasureAsync(BenchDatabase db, RedisServerProcess redisServer, ApiProcess api, double rate, TimeSpan duration,
        TimeSpan warmup, int containers, int connections, CancellationToken ct)
    {
        // :: Step 2
        using var setup = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var (userId, accessToken) = await BenchUser.CreateAsync(setup, ct);
        setup.DefaultRequestHeaders.Authorization = new("Bearer", accessToken);

        // :: Step 3 — through a store of our own on the API's database, with the inline directory as the API has it
        // (the API created its table at start); the API's daemon sees the commits and projects the status rows.
        // Marten as the API configures it (its notifier wakes the API's daemon after each commit).
        using var marten = MartenRegistration.CreateStore(db.DataSource, [new ContainerDirectoryProjection()]);
        var store = new MartenEventStore(marten, db.DataSource, MartenRegistration.Folds, new AppendNotifier(db.DataSource, NullLogger.Instance));
        var ids = Enumerable.Range(0, containers).Select(_ => Guid.NewGuid()).ToList();
        var seeding = Stopwatch.StartNew();
        await BenchContainers.SeedAsync(store, ids, ct, owner: userId.ToString(), correlationId: "status-bench-seed");
        var seeded = seeding.Elapsed;
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(RedisMultiplexer.Options($"{redisServer.EndPoint},timeout=30000"));
        var redis = multiplexer.GetDatabase();
        await WaitForRedisAsync(redis, ids, TimeSpan.FromMinutes(2), ct);
        var published = seeding.Elapsed;

        var targets = ids.Select(id => new Uri(api.BaseAddress, $"api/servers/{id:D}/status")).ToList();
        var sample = await SampleAsync(setup, targets[0], ct);
        using (var stranger = await setup.GetAsync($"api/servers/{Guid.NewGuid():D}/status", ct))
        {
            if (stranger.StatusCode != System.Net.HttpStatusCode.NotFound)
                throw new InvalidOperationException($"an unknown container's status answered {(int)stranger.StatusCode}, not 404");
        }

        Console.WriteLine(Invariant($"status benchmark: GET /api/servers/{{id}}/status, {containers} containers (one account's), open loop at {rate:0} req/s ") +
                          Invariant($"for {duration.TotalSeconds:0.##} s after a {warmup.TotalSeconds:0.##} s warm-up, over {connections} keep-alive HTTP/1.1 connections"));
        Console.WriteLine($"API: {Path.Combine(AppContext.BaseDirectory, "ZeroLagHub.Api.dll")} in a child process (pid {api.Id}), Poller:Enabled=false; " +
                          $"redis-server 127.0.0.1:{redisServer.Port} (private, pid {redisServer.ProcessId})");
        Console.WriteLine($"server: {await db.ShowAsync("server_version", ct)}, fsync={await db.ShowAsync("fsync", ct)} ({db.ServerOrigin}), database {db.Name}");
        Console.WriteLine(Invariant($"machine: {Environment.ProcessorCount} cores, load average {CpuMeter.LoadAverage()} before the load; ") +
                          Invariant($"seeded {containers} containers as events in {seeded.TotalSeconds:0.0} s, all in Redis after {published.TotalSeconds:0.0} s"));
        Console.WriteLine($"sample answer ({sample.Length} bytes, 200, stale false): {sample}");

        // :: Step 4 — the order is random but fixed (seeded), the same for warm-up and run.
        using var load = new OpenLoopLoad(api.BaseAddress, accessToken, connections);
        var random = new Random(7);
        var order = Enumerable.Range(0, Math.Max(65_536, containers)).Select(_ => random.Next(containers)).ToArray();
        await load.OpenConnectionsAsync(targets, ct);
        var opened = load.ConnectionsOpened;
        if (warmup > TimeSpan.Zero) await WarmUpAsync(load, api, targets, order, rate, warmup, ct);

        // :: Step 5
        var meter = new CpuMeter(() => api.CpuTime);
        var before = meter.Read();
        var loadBefore = CpuMeter.LoadAverage();
        var run = await load.RunAsync(targets, order, rate, duration, IsLive, ct);
        var usage = meter.Read().Since(before);
        var loadAfter = CpuMeter.LoadAverage();

        // :: Step 6 — the key redis-benchmark reads holds a status document's worth of bytes, like the endpoint's reads.
        await redis.StringSetAsync(RedisBenchmarkTool.Key, new string('x', sample.Length));
        var baseline = await RedisBenchmarkTool.GetAsync(RedisMultiplexer.Options(redisServer.EndPoint), run.Planned, connections, ct);

        Print(run, usage, baseline, rate, duration, connections, opened, loadBefore, loadAfter);
        return 0;
    }

    /// <summary>
    /// The same load, not counted, for at least <paramref name="minimum"/> and then until the API's tiered compilation
    /// worker has been quiet for a whole slice: with tiered PGO the API re-compiles its hot paths twice, and on a busy
    /// machine that takes well beyond a few seconds, which would otherwise be measured as the endpoint's latency.
    /// </summary>
    private static async Task WarmUpAsync(OpenLoopLoad load, ApiProcess api, IReadOnlyList<Uri> targets, int[] order, double rate,
        TimeSpan minimum, CancellationToken ct)
    {
        const string jitThread = ".NET Tiered Com";
        var slice = TimeSpan.FromSeconds(2.5);
        var limit = minimum + TimeSpan.FromSeconds(60);
        var quietBelow = TimeSpan.FromMilliseconds(20); // two clock ticks of the worker's CPU in a slice
        var jitAtStart = api.ThreadCpu(jitThread);
        var elapsed = TimeSpan.Zero;
        bool quiet;
        LoadResult last;
        do
        {
            var before = api.ThreadCpu(jitThread);
            last = await load.RunAsync(targets, order, rate, slice, IsLive, ct);
            elapsed += slice;
            quiet = api.ThreadCpu(jitThread) - before < quietBelow;
        }
        while ((elapsed < minimum || !quiet) && elapsed < limit);
        Console.WriteLine(Invariant($"warm-up (not counted): {elapsed.TotalSeconds:0.#} s at the same rate, the API's tiered JIT used ") +
                          Invariant($"{(api.ThreadCpu(jitThread) - jitAtStart).TotalSeconds:0.0} s of CPU meanwhile, ") +
                          (quiet ? "quiet in the last slice" : "STILL BUSY at the limit") +
                          Invariant($"; last {slice.TotalSeconds:0.#} s: p50 {last.Latency.PercentileMs(50):0.00} ms, p99 {last.Latency.PercentileMs(99):0.00} ms, ") +
                          Invariant($"{last.Errors} errors"));
    }

    private static bool IsLive(ReadOnlyMemory<byte> body) => body.Span.IndexOf(LiveMarker) >= 0;

    private static async Task WaitForRedisAsync(IDatabase redis, IReadOnlyList<Guid> ids, TimeSpan timeout, CancellationToken ct)
    {
        var keys = ids.Select(id => (RedisKey)LiveStatusCache.StatusKey(id)).ToList();
        var clock = Stopwatch.StartNew();
        var missing = keys.Count;
        while (clock.Elapsed < timeout)
        {
            missing = 0;
            foreach (var chunk in keys.Chunk(500)) missing += (await redis.StringGetAsync(chunk)).Count(v => v.IsNull);
            if (missing == 0) return;
            await Task.Delay(250, ct);
        }
        throw new InvalidOperationException($"{missing} of {keys.Count} status:<id> keys still missing from Redis after {timeout.TotalSeconds:0} s");
    }

    /// <summary>One status read before the load: it must come from Redis (<c>stale: false</c>) and be the container's.</summary>
    private static async Task<string> SampleAsync(HttpClient api, Uri target, CancellationToken ct)
    {
        using var response = await api.GetAsync(target, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {target}: {(int)response.StatusCode} {body}");
        var document = JsonNode.Parse(body)?.AsObject() ?? throw new InvalidOperationException($"GET {target}: not a JSON object: {body}");
        if (document["stale"]?.GetValue<bool>() != false)
            throw new InvalidOperationException($"GET {target} answered from PostgreSQL (stale), not Redis: {body}");
        if (!IsLive(Encoding.UTF8.GetBytes(body)))
            throw new InvalidOperationException($"GET {target}: the live marker {Encoding.UTF8.GetString(LiveMarker)} is not in {body}");
        return body;
    }

    private static void Print(LoadResult run, CpuMeter.Usage usage, RedisBenchmarkTool.Result baseline, double rate, TimeSpan duration, int connections,
        int opened, string loadBefore, string loadAfter)
    {
        var l = run.Latency;
        var p99 = l.PercentileMs(99);
        Console.WriteLine();
        Console.WriteLine(Invariant($"endpoint:        {run.Planned} requests planned at {rate:0} req/s; sent at {run.SentRate:0} req/s, ") +
                          Invariant($"answered at {run.AnsweredRate:0} req/s (last answer {run.CompleteSeconds:0.00} s after the first send)"));
        Console.WriteLine(Invariant($"                 200: {run.Ok}, other status: {run.NonOk}, no answer: {run.Failed}, ") +
                          Invariant($"200 but stale (PostgreSQL): {run.Unexpected}; at most {run.MaxInFlight} in flight; ") +
                          Invariant($"{opened} connections opened before the run, {run.ConnectionsOpened} during it"));
        Console.WriteLine(Invariant($"                 latency from planned start, ms: p50 {l.PercentileMs(50):0.00}  p90 {l.PercentileMs(90):0.00}  ") +
                          Invariant($"p99 {p99:0.00}  p99.9 {l.PercentileMs(99.9):0.00}  max {l.PercentileMs(100):0.00}"));
        Console.WriteLine(Invariant($"                 of which the load generator's own lateness (planned to sent), ms: p50 {run.SendLag.PercentileMs(50):0.00}  ") +
                          Invariant($"p99 {run.SendLag.PercentileMs(99):0.00}  max {run.SendLag.PercentileMs(100):0.00}"));
        Console.WriteLine(Invariant($"                 CPU over the run, share of {Environment.ProcessorCount} cores: API {usage.ChildShare * 100:0.0} % ") +
                          Invariant($"({usage.ChildCpu.TotalMicroseconds / run.Planned:0} µs per request), ") +
                          Invariant($"load generator {usage.BenchShare * 100:0.0} %, machine {usage.MachineShare * 100:0.0} % busy (everything: PostgreSQL, Redis, other work); ") +
                          Invariant($"load average {loadBefore} before, {loadAfter} after"));
        Console.WriteLine(Invariant($"redis-benchmark: -t get -n {run.Planned} -c {connections}, closed loop as fast as it goes: {baseline.RequestsPerSecond:0} req/s; ") +
                          Invariant($"latency ms: p50 {baseline.P50Ms:0.000}  p95 {baseline.P95Ms:0.000}  p99 {baseline.P99Ms:0.000}  max {baseline.MaxMs:0.000}"));
        Console.WriteLine("                 (the floor: one bare Redis GET per request, same server, same connection count, same machine;");
        Console.WriteLine("                  it does not pace itself, so its p99 includes queueing at full speed, not at the endpoint's rate)");
        Console.WriteLine(Invariant($"ratio endpoint p99 / redis-benchmark p99: {p99 / baseline.P99Ms:0.0}x ({p99:0.00} ms / {baseline.P99Ms:0.000} ms)"));

        var atRate = run.SentRate >= 0.99 * rate;
        var verdict = rate < TargetRate ? "NOT TESTED (rate below 2,000 req/s)"
            : p99 < TargetP99Ms && run.Errors == 0 && atRate ? "PASS" : "FAIL";
        var why = new List<string>();
        if (p99 >= TargetP99Ms) why.Add(Invariant($"p99 {p99:0.00} ms"));
        if (run.Errors > 0) why.Add($"{run.Errors} errors");
        if (!atRate) why.Add(Invariant($"sent only {run.SentRate:0} req/s"));
        Console.WriteLine(Invariant($"target: p99 < {TargetP99Ms:0} ms at {TargetRate:N0} req/s for {duration.TotalSeconds:0.##} s, no errors: {verdict} ") +
                          Invariant($"(p99 {p99:0.00} ms at {run.SentRate:0} req/s{(verdict == "FAIL" ? "; failed on " + string.Join(", ", why) : "")})"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
