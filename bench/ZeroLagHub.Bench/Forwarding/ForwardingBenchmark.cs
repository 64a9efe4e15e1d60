using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;

namespace ZeroLagHub.Bench.Forwarding;

/// <summary>
/// The forwarder's cost: the same upstream measured directly and through one hop, in the same run.
/// HTTP: 1 KB responses at N connections (throughput), and one connection at a time (added latency without
/// queueing). WebSocket: 1 KB message round trips over M sockets.
/// </summary>
/// <remarks>
/// Each comparison runs in rounds, direct and forwarded back to back (in turn first), and the ratio reported is the
/// median of the rounds' ratios: on a machine whose other load comes and goes, one long run of each compares two
/// different machines.
/// </remarks>
/// <remarks>
/// Client, forwarder and upstream share this process and the machine's cores, so the forwarded run also
/// pays for the forwarder's CPU out of the client's and upstream's share: the ratio is a lower bound on
/// what a separate forwarder host would give.
/// </remarks>
internal static class ForwardingBenchmark
{
    public const string Usage =
        "  forward [--seconds N] [--connections N] [--websockets N] [--rounds N] [--agent unix|tcp]   HTTP 1 KB req/s, added latency and WebSocket round trips: one hop vs direct";

    private const double TargetHttpRatio = 0.5, TargetAddedP99Ms = 2, TargetWebSocketRatio = 0.7;

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var options = Options.Parse(args, "--seconds", "--connections", "--websockets", "--rounds", "--agent");
        var duration = options.Seconds("--seconds", fallback: 5, min: 0.5);
        var connections = (int)options.Count("--connections", 32, min: 1);
        var websockets = (int)options.Count("--websockets", 8, min: 1);
        var rounds = (int)options.Count("--rounds", 3, min: 1);
        var warmup = TimeSpan.FromSeconds(Math.Min(2, duration.TotalSeconds / 2));

        // unix: the hop's leg to the upstream as to a local agent (the default); tcp: as to a Proxmox agent.
        var agent = options.Text("--agent", "unix");
        if (agent is not ("unix" or "tcp")) throw new UsageException("--agent is unix or tcp");
        await using var hosts = await BenchHosts.StartAsync(unixSocket: agent == "unix");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"forward benchmark: {BenchHosts.PayloadBytes} B payloads, {rounds} rounds of {duration.TotalSeconds:0.##} s per run (+{warmup.TotalSeconds:0.##} s warm-up), {Environment.ProcessorCount} cores shared by client, forwarder and upstream; clients over TCP, the hop to the upstream over {(agent == "unix" ? "a Unix socket (a local agent)" : "TCP (a Proxmox agent)")}"));

        var (direct, forwarded, ratios) = await RoundsAsync(rounds, hosts, target => HttpAsync(target, connections, warmup, duration, ct));
        Report($"HTTP GET at {connections} connections", "req/s", direct, forwarded, ratios, TargetHttpRatio);

        var (directOne, forwardedOne, ratiosOne) = await RoundsAsync(rounds, hosts, target => HttpAsync(target, 1, warmup, duration, ct));
        Report("HTTP GET at 1 connection", "req/s", directOne, forwardedOne, ratiosOne, null);
        var added = forwardedOne.Latency.PercentileMs(99) - directOne.Latency.PercentileMs(99);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  added p99 latency (1 connection, no queueing): {added:0.000} ms (target < {TargetAddedP99Ms} ms) {(added < TargetAddedP99Ms ? "OK" : "MISSED")}"));
        var addedLoaded = forwarded.Latency.PercentileMs(99) - direct.Latency.PercentileMs(99);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  added p99 latency at {connections} connections (includes queueing on shared cores): {addedLoaded:0.000} ms"));

        var (wsDirect, wsForwarded, wsRatios) = await RoundsAsync(rounds, hosts, target => WebSocketAsync(target, websockets, warmup, duration, ct));
        Report($"WebSocket round trips over {websockets} sockets", "round trips/s", wsDirect, wsForwarded, wsRatios, TargetWebSocketRatio);
        return 0;
    }

    /// <summary>Direct and forwarded, <paramref name="rounds"/> times back to back (in turn first); all runs of each merged, and each round's ratio.</summary>
    private static async Task<(Run Direct, Run Forwarded, List<double> Ratios)> RoundsAsync(int rounds, BenchHosts hosts, Func<Uri, Task<Run>> measure)
    {
        var directs = new List<Run>();
        var forwardeds = new List<Run>();
        for (var round = 0; round < rounds; round++)
        {
            Run d, f;
            if (round % 2 == 0) { d = await measure(hosts.Direct); f = await measure(hosts.Forwarded); }
            else { f = await measure(hosts.Forwarded); d = await measure(hosts.Direct); }
            directs.Add(d);
            forwardeds.Add(f);
        }
        return (Merge(directs), Merge(forwardeds), [.. directs.Zip(forwardeds, (d, f) => f.PerSecond / d.PerSecond)]);
    }

    private static Run Merge(List<Run> runs)
    {
        var latency = new LatencyRecorder();
        foreach (var run in runs) latency.Add(run.Latency);
        return new Run(runs.Average(r => r.PerSecond), latency, runs.Average(r => r.CpuPerOperation));
    }

    private static void Report(string what, string unit, Run direct, Run forwarded, List<double> ratios, double? target)
    {
        var ratio = ratios.Order().ElementAt(ratios.Count / 2);   // the median (the upper one of an even count)
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}:"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  direct (baseline): {direct.PerSecond,10:0} {unit}   p50 {direct.Latency.PercentileMs(50):0.000} ms   p99 {direct.Latency.PercentileMs(99):0.000} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  forwarded (1 hop): {forwarded.PerSecond,10:0} {unit}   p50 {forwarded.Latency.PercentileMs(50):0.000} ms   p99 {forwarded.Latency.PercentileMs(99):0.000} ms"));
        // Load-independent: the CPU the hop adds to every operation, and the ratio a CPU-bound machine would show.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  CPU per operation (client + forwarder + upstream): direct {direct.CpuPerOperation:0.0} µs, forwarded {forwarded.CpuPerOperation:0.0} µs: the hop adds {forwarded.CpuPerOperation - direct.CpuPerOperation:0.0} µs ({direct.CpuPerOperation / forwarded.CpuPerOperation:0.00}x when CPU-bound)"));
        var verdict = target is { } t ? string.Create(CultureInfo.InvariantCulture, $" (target >= {t}x) {(ratio >= t ? "OK" : "MISSED")}") : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  ratio forwarded/direct: {ratio:0.00}x, median of rounds [{string.Join(", ", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))}]{verdict}"));
    }

    private static TimeSpan CpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <param name="CpuPerOperation">This process's CPU (client, forwarder and upstream together) per operation, in µs.</param>
    private sealed record Run(double PerSecond, LatencyRecorder Latency, double CpuPerOperation);

    private static async Task<Run> HttpAsync(Uri target, int connections, TimeSpan warmup, TimeSpan duration, CancellationToken ct)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseProxy = false }) { BaseAddress = target };
        var buffer = new byte[BenchHosts.PayloadBytes * 2];
        return await MeasureAsync(connections, warmup, duration, ct, async (_, token) =>
        {
            using var response = await client.GetAsync("/data", HttpCompletionOption.ResponseHeadersRead, token);
            await using var body = await response.Content.ReadAsStreamAsync(token);
            var total = 0;
            for (int n; (n = await body.ReadAsync(buffer.AsMemory(), token)) > 0;) total += n;
            if (total != BenchHosts.PayloadBytes || !response.IsSuccessStatusCode) throw new InvalidOperationException($"unexpected answer: {(int)response.StatusCode}, {total} bytes");
        });
    }

    private static async Task<Run> WebSocketAsync(Uri target, int sockets, TimeSpan warmup, TimeSpan duration, CancellationToken ct)
    {
        var open = new ClientWebSocket[sockets];
        for (var i = 0; i < sockets; i++)
        {
            open[i] = new ClientWebSocket();
            await open[i].ConnectAsync(new Uri($"ws://{target.Authority}/ws"), ct);
        }
        var message = new byte[BenchHosts.PayloadBytes];
        Random.Shared.NextBytes(message);
        try
        {
            return await MeasureAsync(sockets, warmup, duration, ct, async (worker, token) =>
            {
                var ws = open[worker];
                var buffer = new byte[BenchHosts.PayloadBytes * 2];
                await ws.SendAsync(message, WebSocketMessageType.Binary, true, token);
                var received = 0;
                ValueWebSocketReceiveResult r;
                do
                {
                    r = await ws.ReceiveAsync(buffer.AsMemory(received), token);
                    received += r.Count;
                } while (!r.EndOfMessage);
                if (received != message.Length) throw new InvalidOperationException($"echo of {received} bytes");
            });
        }
        finally
        {
            foreach (var ws in open)
            {
                try { await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, ct); } catch (WebSocketException) { }
                ws.Dispose();
            }
        }
    }

    /// <summary>Runs <paramref name="workers"/> closed loops of <paramref name="operation"/>; counts and times only those after the warm-up.</summary>
    private static async Task<Run> MeasureAsync(int workers, TimeSpan warmup, TimeSpan duration, CancellationToken ct, Func<int, CancellationToken, Task> operation)
    {
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var end = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var recorders = new LatencyRecorder[workers];
        var tasks = new Task[workers];
        for (var w = 0; w < workers; w++)
        {
            var worker = w;
            var recorder = recorders[w] = new LatencyRecorder();
            tasks[w] = Task.Run(async () =>
            {
                while (!ct.IsCancellationRequested)
                {
                    var t = Stopwatch.GetTimestamp();
                    if (t >= end) return;
                    await operation(worker, ct);
                    if (t >= measureFrom) recorder.RecordSince(t);
                }
            }, ct);
        }
        // CPU from the end of the warm-up: the process's, so the other helpers' load is not counted.
        await Task.Delay(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), measureFrom), ct);
        var cpuFrom = CpuTime();
        await Task.WhenAll(tasks);
        var cpu = CpuTime() - cpuFrom;
        var all = new LatencyRecorder();
        foreach (var r in recorders) all.Add(r);
        return new Run(all.Count / duration.TotalSeconds, all, cpu.TotalMicroseconds / Math.Max(1, all.Count));
    }
}
