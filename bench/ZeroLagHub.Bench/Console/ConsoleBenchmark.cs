using System.Diagnostics;
using System.Text;

// Namespace ZeroLagHub.Bench, not .Console: a Console namespace would hide System.Console from the other benchmarks.
namespace ZeroLagHub.Bench;

/// <summary>
/// <c>console-echo</c>: keystroke echo round trip (type one character, wait for readline's echo) through the
/// console WebSocket vs the same shell's PTY read in-process; target: added p99 under 2 ms.
/// <c>console-throughput</c>: <c>cat</c> of a large file through one session vs the PTY read in-process; target ratio ≥ 0.5.
/// </summary>
internal static class ConsoleBenchmark
{
    public const string Usage =
        "  console-echo [--keystrokes N (2000)]\n" +
        "  console-throughput [--megabytes N (100)]";

    private const string Marker = "__ZLH_BENCH_DONE__";

    public static async Task<int> EchoAsync(string[] args, CancellationToken ct)
    {
        var keystrokes = (int)Options.Parse(args, "--keystrokes").Count("--keystrokes", 2000, 10);
        await using var host = await ConsoleBenchHost.StartAsync();
        await using var pty = host.StartShellDirectly();
        var direct = await EchoLatencyAsync(new TerminalEnd.Direct(pty), keystrokes, ct);
        // Connected only now: an idle socket would miss the keepalive pings of the baseline's run.
        using var socket = await host.ConnectShellAsync(ct);
        var console = await EchoLatencyAsync(new TerminalEnd.Socket(socket), keystrokes, ct);
        System.Console.WriteLine($"keystroke echo, {keystrokes} keystrokes (ms)   p50      p99");
        System.Console.WriteLine($"  PTY in-process (baseline)  {direct.PercentileMs(50),8:F3} {direct.PercentileMs(99),8:F3}");
        System.Console.WriteLine($"  console WebSocket          {console.PercentileMs(50),8:F3} {console.PercentileMs(99),8:F3}");
        var added = console.PercentileMs(99) - direct.PercentileMs(99);
        System.Console.WriteLine($"  added p99: {added:F3} ms (target < 2 ms); ratio p99 {console.PercentileMs(99) / direct.PercentileMs(99):F2}");
        return 0;
    }

    public static async Task<int> ThroughputAsync(string[] args, CancellationToken ct)
    {
        var megabytes = Options.Parse(args, "--megabytes").Count("--megabytes", 100, 1);
        await using var host = await ConsoleBenchHost.StartAsync();
        var file = Path.Combine(host.Home, "output.txt");
        WriteFile(file, megabytes * 1_000_000);
        await using var pty = host.StartShellDirectly();
        var (directBytes, directTime) = await CatAsync(new TerminalEnd.Direct(pty), file, ct);
        using var socket = await host.ConnectShellAsync(ct);
        var (consoleBytes, consoleTime) = await CatAsync(new TerminalEnd.Socket(socket), file, ct);
        var directRate = directBytes / 1e6 / directTime.TotalSeconds;
        var consoleRate = consoleBytes / 1e6 / consoleTime.TotalSeconds;
        System.Console.WriteLine($"cat of {megabytes} MB");
        System.Console.WriteLine($"  PTY in-process (baseline)  {directRate,8:F1} MB/s  ({directBytes} bytes in {directTime.TotalSeconds:F2} s)");
        System.Console.WriteLine($"  console WebSocket          {consoleRate,8:F1} MB/s  ({consoleBytes} bytes in {consoleTime.TotalSeconds:F2} s)");
        System.Console.WriteLine($"  ratio {consoleRate / directRate:F2} (target >= 0.5)");
        return 0;
    }

    private static async Task<LatencyRecorder> EchoLatencyAsync(TerminalEnd end, int keystrokes, CancellationToken ct)
    {
        await end.SyncAsync(ct);
        var buffer = new byte[64 * 1024];
        var recorder = new LatencyRecorder();
        byte[] key = "a"u8.ToArray(), erase = [0x7f];
        for (var i = 0; i < keystrokes + 100; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await end.SendAsync(key, ct);
            await UntilByteAsync(end, buffer, (byte)'a', ct);
            if (i >= 100) recorder.RecordSince(start);   // the first 100 warm up
            await end.SendAsync(erase, ct);
            await UntilByteAsync(end, buffer, 0x08, ct);  // readline erases with a backspace
        }
        return recorder;
    }

    private static async Task UntilByteAsync(TerminalEnd end, byte[] buffer, byte wanted, CancellationToken ct)
    {
        while (true)
        {
            var n = await end.ReceiveAsync(buffer, ct);
            if (n == 0) throw new InvalidOperationException("the shell ended");
            if (buffer.AsSpan(0, n).Contains(wanted)) return;
        }
    }

    private static async Task<(long Bytes, TimeSpan Time)> CatAsync(TerminalEnd end, string file, CancellationToken ct)
    {
        await end.SyncAsync(ct);
        var buffer = new byte[64 * 1024];
        var marker = Encoding.ASCII.GetBytes(Marker);
        var window = new byte[buffer.Length + marker.Length];
        var carried = 0;
        long bytes = 0;
        // The split marker in the typed command keeps its echo from matching.
        var command = Encoding.ASCII.GetBytes($"cat {file}; echo {Marker[..5]}''{Marker[5..]}\r");
        var start = Stopwatch.GetTimestamp();
        await end.SendAsync(command, ct);
        while (true)
        {
            var n = await end.ReceiveAsync(buffer, ct);
            if (n == 0) throw new InvalidOperationException("the shell ended");
            bytes += n;
            buffer.AsSpan(0, n).CopyTo(window.AsSpan(carried));
            var seen = window.AsSpan(0, carried + n);
            if (seen.IndexOf(marker) >= 0) return (bytes, Stopwatch.GetElapsedTime(start));
            carried = Math.Min(marker.Length, seen.Length);   // a marker split across reads
            seen[^carried..].CopyTo(window);
        }
    }

    private static void WriteFile(string path, long bytes)
    {
        var line = Encoding.ASCII.GetBytes(new string('x', 99) + "\n");
        using var file = File.Create(path);
        for (long written = 0; written < bytes; written += line.Length) file.Write(line);
    }
}
