using System.Globalization;
using Npgsql;
using ZeroLagHub.Bench.Polling;
using ZeroLagHub.Bench.Status;

namespace ZeroLagHub.Bench.ColdStart;

/// <summary>
/// <c>coldstart</c> (issue 19): the real API (<c>ZeroLagHub.Api.dll</c>, started as <c>status</c> starts it: <c>ZLH_*</c>
/// variables, a bench database, a private redis-server) from process start to <c>GET /health</c> answering 200, beside
/// an empty ASP.NET Core app (<c>bench/ZeroLagHub.Bench.EmptyWebApp</c>, one <c>/health</c> route) started the same way,
/// runs interleaved A B B A … so drift lands on both. Prints every run, the medians, their ratio and each one's peak
/// resident memory at the moment it answered.
/// </summary>
/// <remarks>
/// The API's first start on the fresh database creates every schema object (Marten, read models, the chain): printed
/// apart and not counted, as is a first start of the empty app, so the counted runs are all restarts on a warm page cache.
/// <c>/health</c> is asked every 5 ms, so a run is over-measured by at most that much.
/// </remarks>
internal static class ColdStartBenchmark
{
    public const string Usage = "  coldstart [--runs N (5)]             the API's process start → /health 200 vs an empty ASP.NET Core app, interleaved";

    private const string EmptyApp = "ZeroLagHub.Bench.EmptyWebApp.dll";
    private static readonly TimeSpan HealthPoll = TimeSpan.FromMilliseconds(5);

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var options = Options.Parse(args, "--runs");
        var runs = (int)options.Count("--runs", 5, 1);

        await using var db = await BenchDatabase.CreateAsync(maxPoolSize: 4, ct);
        await using var redisServer = await RedisServerProcess.StartAsync(ct);
        var settings = new Dictionary<string, string>
        {
            ["Postgres"] = new NpgsqlConnectionStringBuilder(db.ConnectionString) { MaxPoolSize = 100, ApplicationName = "zlh-api-bench" }.ConnectionString,
            ["Redis"] = redisServer.EndPoint,
            ["Auth:AdminPassword"] = Convert.ToHexString(Guid.NewGuid().ToByteArray()),
            ["Poller:Enabled"] = "false",
        };

        Console.WriteLine($"coldstart benchmark: {runs} runs each, interleaved; process start → GET /health 200 (asked every {HealthPoll.TotalMilliseconds:0} ms)");
        Console.WriteLine($"API: ZeroLagHub.Api.dll (ZLH_* settings, Poller:Enabled=false, a fresh data directory per run); baseline: {EmptyApp}");
        Console.WriteLine($"server: {await db.ShowAsync("server_version", ct)} ({db.ServerOrigin}), database {db.Name}; redis-server pid {redisServer.ProcessId}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {CpuMeter.LoadAverage()} at start");
        Console.WriteLine();

        var first = await StartOnceAsync(settings, "ZeroLagHub.Api.dll", ct);
        await StartOnceAsync(settings, EmptyApp, ct);
        Console.WriteLine(Invariant($"first API start (creates the schema, not counted): {first.Ready.TotalMilliseconds:N0} ms, peak RSS {Mib(first.PeakRss)}"));
        Console.WriteLine();

        var api = new List<Run>();
        var empty = new List<Run>();
        Console.WriteLine("run    API ms   API RSS      empty ms  empty RSS    ratio");
        for (var i = 0; i < runs; i++)
        {
            Run a, b;
            if (i % 2 == 0)
            {
                a = await StartOnceAsync(settings, "ZeroLagHub.Api.dll", ct);
                b = await StartOnceAsync(settings, EmptyApp, ct);
            }
            else
            {
                b = await StartOnceAsync(settings, EmptyApp, ct);
                a = await StartOnceAsync(settings, "ZeroLagHub.Api.dll", ct);
            }
            api.Add(a);
            empty.Add(b);
            Console.WriteLine(Invariant($"{i + 1,3} {a.Ready.TotalMilliseconds,9:N0} {Mib(a.PeakRss),9} {b.Ready.TotalMilliseconds,13:N0} {Mib(b.PeakRss),10} {a.Ready / b.Ready,8:0.0}x"));
        }

        var apiMedian = Median(api.Select(r => r.Ready.TotalMilliseconds));
        var emptyMedian = Median(empty.Select(r => r.Ready.TotalMilliseconds));
        Console.WriteLine();
        Console.WriteLine(Invariant($"median: API {apiMedian:N0} ms, peak RSS {Mib((long)Median(api.Select(r => (double)r.PeakRss)))}; ") +
                          Invariant($"empty app {emptyMedian:N0} ms, peak RSS {Mib((long)Median(empty.Select(r => (double)r.PeakRss)))}"));
        Console.WriteLine(Invariant($"ratio API / empty app: {apiMedian / emptyMedian:0.0}x (medians), pair by pair median {Median(api.Zip(empty, (a, b) => a.Ready / b.Ready)):0.0}x; ") +
                          $"load average {CpuMeter.LoadAverage()} at the end");
        return 0;
    }

    private static async Task<Run> StartOnceAsync(IReadOnlyDictionary<string, string> settings, string assembly, CancellationToken ct)
    {
        await using var process = await ApiProcess.StartAsync(settings, ct, assembly, HealthPoll);
        return new Run(process.StartedToHealthy, process.PeakResidentBytes());
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static string Mib(long bytes) => Invariant($"{bytes / 1048576.0:0} MiB");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Run(TimeSpan Ready, long PeakRss);
}
