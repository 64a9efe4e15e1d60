using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ZeroLagHub.Bench.Status;

/// <summary>
/// The real API (<c>ZeroLagHub.Api.dll</c>, copied into this benchmark's output by its project reference) in a
/// child process of its own, so its CPU and GC are apart from the load generator's and can be measured. It is
/// configured through <c>ZLH_*</c> environment variables only: the API adds them after its command line, so
/// they would win over arguments, and any the caller has set (say ZLH_POSTGRES for this benchmark) are removed.
/// Disposing sends SIGTERM (a clean shutdown), kills it after a grace period, and deletes its data directory.
/// </summary>
internal sealed class ApiProcess : IAsyncDisposable
{
    private const int MaxLogLines = 200;
    private readonly Process _process;
    private readonly Queue<string> _log = new();
    private readonly string _dataDirectory;

    private ApiProcess(Process process, Uri baseAddress, string dataDirectory)
    {
        _process = process;
        BaseAddress = baseAddress;
        _dataDirectory = dataDirectory;
    }

    public Uri BaseAddress { get; }

    public int Id => _process.Id;

    /// <summary>From just before the process was started to <c>/health</c>'s first 200 (coldstart's figure).</summary>
    public TimeSpan StartedToHealthy { get; private set; }

    /// <summary>The process's peak resident memory so far (VmHWM), in bytes.</summary>
    public long PeakResidentBytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>CPU the API process has used so far, all threads.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>
    /// CPU used so far by the API's threads whose name starts with <paramref name="prefix"/> (Linux shows the first
    /// 15 characters: ".NET Tiered Com" is the tiered compilation worker). Threads that have exited are not counted.
    /// </summary>
    public TimeSpan ThreadCpu(string prefix)
    {
        const double ticksPerSecond = 100; // USER_HZ, the unit of /proc/*/stat's utime and stime
        long ticks = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{_process.Id}/task"))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal)) continue;
                // After the ")" that ends the name (which may hold spaces): state is field 3, utime 14, stime 15.
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The thread exited while we looked.
            }
        }
        return TimeSpan.FromSeconds(ticks / ticksPerSecond);
    }

    /// <summary>The last lines the API wrote (standard output and error), for a report when something fails.</summary>
    public string LogTail()
    {
        lock (_log) return string.Join('\n', _log);
    }

    /// <param name="settings">Configuration keys as the API names them (<c>Postgres</c>, <c>Auth:AdminPassword</c>);
    /// <c>Data</c> and <c>Urls</c> are set here.</param>
    /// <param name="assembly">Another app of this output folder started the same way (coldstart's baseline).</param>
    /// <param name="healthPoll">How often <c>/health</c> is asked while starting: fine-grained where start-up is the figure.</param>
    public static async Task<ApiProcess> StartAsync(IReadOnlyDictionary<string, string> settings, CancellationToken ct,
        string assembly = "ZeroLagHub.Api.dll", TimeSpan? healthPoll = null)
    {
        var api = Path.Combine(AppContext.BaseDirectory, assembly);
        if (!File.Exists(api) || !File.Exists(Path.ChangeExtension(api, ".runtimeconfig.json")))
            throw new InvalidOperationException($"{api} or its runtimeconfig.json is missing: build the benchmark (it references src/Api)");

        var data = Directory.CreateTempSubdirectory("zlh-status-bench-").FullName;
        var port = RedisServerProcess.FreeLoopbackPort();
        var baseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");

        // The content root is the working directory: the API's appsettings.json sits beside its dll.
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(api);
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("ZLH_", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(inherited);
        var all = new Dictionary<string, string>(settings) { ["Data"] = data, ["Urls"] = baseAddress.ToString().TrimEnd('/') };
        foreach (var (key, value) in all) start.Environment["ZLH_" + key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant()] = value;

        Process process;
        var started = Stopwatch.StartNew();
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("could not start the API");
        }
        catch
        {
            Directory.Delete(data, recursive: true);
            throw;
        }
        var child = new ApiProcess(process, baseAddress, data);
        process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await child.WaitUntilHealthyAsync(TimeSpan.FromMinutes(2), healthPoll ?? TimeSpan.FromMilliseconds(200), ct);
            child.StartedToHealthy = started.Elapsed;
            return child;
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            _log.Enqueue(line);
            while (_log.Count > MaxLogLines) _log.Dequeue();
        }
    }

    // GET /health answers 200 once the schema is migrated, the hosted services have started and Kestrel listens.
    private async Task WaitUntilHealthyAsync(TimeSpan timeout, TimeSpan poll, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        string? last = null;
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the API exited with {_process.ExitCode} during start-up:\n{LogTail()}");
            try
            {
                using var response = await client.GetAsync("health", ct);
                if (response.IsSuccessStatusCode) return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                last = "timeout";
            }
            await Task.Delay(poll, ct);
        }
        throw new InvalidOperationException($"the API was not healthy within {timeout.TotalSeconds:0} s (last: {last}):\n{LogTail()}");
    }

    // The muxer that runs this benchmark, else the one of the runtime it runs on (as the local host finds it for agents).
    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        return Path.Combine(root, "dotnet");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _ = Native.kill(_process.Id, 15); // SIGTERM: the host stops its services and closes its pools
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync(CancellationToken.None);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone (Ctrl+C reaches the whole process group).
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"could not delete {_dataDirectory}: {e.Message}");
        }
    }

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        internal static extern int kill(int pid, int signal);
    }
}
