using ZeroLagHub.Bench;
using ZeroLagHub.Bench.ColdStart;
using ZeroLagHub.Bench.Forwarding;
using ZeroLagHub.Bench.Polling;
using ZeroLagHub.Bench.Queue;
using ZeroLagHub.Bench.Rebuild;
using ZeroLagHub.Bench.Status;

// One entry per subcommand; each parses its own options from the arguments after its name.
var commands = new Dictionary<string, Func<string[], CancellationToken, Task<int>>>(StringComparer.Ordinal)
{
    ["append"] = AppendBenchmark.RunAsync,
    ["rebuild"] = RebuildBenchmark.RunAsync,
    ["latency"] = LatencyBenchmark.RunAsync,
    ["queue"] = QueueBenchmark.RunAsync,
    ["forward"] = ForwardingBenchmark.RunAsync,
    ["console-echo"] = ConsoleBenchmark.EchoAsync,
    ["console-throughput"] = ConsoleBenchmark.ThroughputAsync,
    ["redis"] = RedisBenchmark.RunAsync,
    ["poller"] = PollerBenchmark.RunAsync,
    ["status"] = StatusBenchmark.RunAsync,
    ["coldstart"] = ColdStartBenchmark.RunAsync,
    // The poller benchmark's child process (its agent stubs), not meant to be run by hand.
    [PollerStubs.Command] = PollerStubs.RunAsync,
    // Rewrites the queue benchmark's pre-generated Wolverine handler (Static code generation).
    [QueueCodegen.Command] = QueueCodegen.RunAsync,
};

if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine($"usage: ZeroLagHub.Bench <{string.Join('|', commands.Keys)}> [options]");
    Console.Error.WriteLine(AppendBenchmark.Usage);
    Console.Error.WriteLine(RebuildBenchmark.Usage);
    Console.Error.WriteLine(LatencyBenchmark.Usage);
    Console.Error.WriteLine(QueueBenchmark.Usage);
    Console.Error.WriteLine(ForwardingBenchmark.Usage);
    Console.Error.WriteLine(ConsoleBenchmark.Usage);
    Console.Error.WriteLine(RedisBenchmark.Usage);
    Console.Error.WriteLine(PollerBenchmark.Usage);
    Console.Error.WriteLine(StatusBenchmark.Usage);
    Console.Error.WriteLine(ColdStartBenchmark.Usage);
    return 2;
}

using var cancel = new CancellationTokenSource();
// The first Ctrl+C cancels instead of killing the process, so the run still drops its database and stops
// a server it started; a second one kills it, should that cleanup hang.
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = !cancel.IsCancellationRequested;
    cancel.Cancel();
};

try
{
    return await command(args[1..], cancel.Token);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"{args[0]}: {e.Message}");
    return 2;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine($"{args[0]}: cancelled");
    return 130;
}

