using System.Diagnostics;
using System.Globalization;
using System.Net;
using StackExchange.Redis;

namespace ZeroLagHub.Bench;

/// <summary>
/// Runs <c>redis-benchmark -t get</c> (closed loop: each of its clients sends the next GET when the previous
/// reply is in, as fast as the server answers) and reads its <c>--csv</c> summary row.
/// </summary>
internal static class RedisBenchmarkTool
{
    /// <summary>
    /// The key <c>redis-benchmark -t get</c> reads without <c>-r</c>: literally this name. SET it first, or every
    /// GET answers nil (redis-benchmark's own default value is 3 bytes, <c>-d 3</c>).
    /// </summary>
    public const string Key = "key:__rand_int__";

    /// <summary>redis-benchmark 7's CSV row: throughput and latency summary, latencies in milliseconds.</summary>
    public sealed record Result(double RequestsPerSecond, double AvgMs, double MinMs, double P50Ms, double P95Ms, double P99Ms, double MaxMs);

    /// <param name="options">Where and who: the first endpoint (host:port), user and password.</param>
    public static async Task<Result> GetAsync(ConfigurationOptions options, int requests, int clients, CancellationToken ct)
    {
        var (host, port) = options.EndPoints[0] switch
        {
            DnsEndPoint dns => (dns.Host, dns.Port),
            IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            var other => throw new UsageException($"redis-benchmark needs a host:port, not {other}"),
        };
        var start = new ProcessStartInfo("redis-benchmark") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-h", host, "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "get",
                     "-n", requests.ToString(CultureInfo.InvariantCulture), "-c", clients.ToString(CultureInfo.InvariantCulture), "--csv"])
            start.ArgumentList.Add(argument);
        // redis-benchmark has no REDISCLI_AUTH (only redis-cli reads it): -a is its one way to authenticate.
        if (options.Password is not null)
        {
            start.ArgumentList.Add("-a");
            start.ArgumentList.Add(options.Password);
        }
        if (options.User is not null)
        {
            start.ArgumentList.Add("--user");
            start.ArgumentList.Add(options.User);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new UsageException("redis-benchmark not found (apt-get install redis-tools)");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var errors = process.StandardError.ReadToEndAsync(ct);
            try
            {
                await process.WaitForExitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                throw;
            }
            return Parse(await output, await errors);
        }
    }

    // --csv: a header line ("test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms",
    // "max_latency_ms" in redis-benchmark 7), then "GET","<rps>",... Older versions print only test and rps: latencies are NaN then.
    private static Result Parse(string output, string errors)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var row = lines.FirstOrDefault(line => line.StartsWith("\"GET\"", StringComparison.Ordinal))
                  ?? throw new InvalidOperationException($"redis-benchmark printed no GET row:\n{output}\n{errors}");
        var header = lines.FirstOrDefault(line => line.StartsWith("\"test\"", StringComparison.Ordinal))?.Split(',').Select(h => h.Trim('"')).ToList() ?? [];
        var fields = row.Split(',').Select(f => f.Trim('"')).ToList();
        double Field(string name)
        {
            var index = header.IndexOf(name);
            if (index < 0 && name == "rps") index = 1;
            return index >= 0 && index < fields.Count && double.TryParse(fields[index], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value
                : double.NaN;
        }
        return new Result(Field("rps"), Field("avg_latency_ms"), Field("min_latency_ms"), Field("p50_latency_ms"), Field("p95_latency_ms"),
            Field("p99_latency_ms"), Field("max_latency_ms"));
    }
}
