using System.Diagnostics;
using System.Globalization;

namespace ZeroLagHub.Bench.Polling;

/// <summary>The benchmark's handle on its <see cref="PollerStubs"/> child: this same program, started with <c>poller-stubs</c>.</summary>
internal sealed class StubProcess : IAsyncDisposable
{
    private readonly Process _process;

    private StubProcess(Process process, IReadOnlyList<Uri> servers) => (_process, Servers) = (process, servers);

    /// <summary>The stub server's base addresses, one per port.</summary>
    public IReadOnlyList<Uri> Servers { get; }

    /// <summary>CPU the stub process has used so far, all threads.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<StubProcess> StartAsync(int ports, CancellationToken ct)
    {
        // Run through `dotnet run`, the process is the apphost; run as `dotnet ZeroLagHub.Bench.dll`, the dll must be named.
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("the benchmark's own executable is unknown");
        var start = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(StubProcess).Assembly.Location);
        foreach (var arg in new[] { PollerStubs.Command, "--ports", ports.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(arg);

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {self}");
        try
        {
            var ready = await process.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct);
            if (ready is null || !ready.StartsWith(PollerStubs.ReadyPrefix, StringComparison.Ordinal))
                throw new InvalidOperationException($"the stub process did not report its addresses (got '{ready}')");
            var servers = ready[PollerStubs.ReadyPrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => new Uri(a)).ToList();
            return new StubProcess(process, servers);
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }
    }

    /// <summary>Adds one journal entry to <paramref name="share"/> of the journals the stubs have served; returns how many.</summary>
    public async Task<int> GrowAsync(double share, CancellationToken ct)
    {
        await _process.StandardInput.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"grow {share}").AsMemory(), ct);
        await _process.StandardInput.FlushAsync(ct);
        var reply = await _process.StandardOutput.ReadLineAsync(ct) ?? throw new InvalidOperationException("the stub process exited");
        return int.Parse(reply["grew ".Length..], CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        // Closing its input is the stop signal; killing is the fallback for a stub that hangs.
        _process.StandardInput.Close();
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }
        _process.Dispose();
    }
}
