using System.Diagnostics;
using System.Text.Json;

namespace ZeroLagHub.Cli.Tests;

/// <summary>
/// One user's zlh: the real binary run as a process, with a config directory of its own
/// (XDG_CONFIG_HOME) and stdin always redirected, so it never takes the terminal path.
/// </summary>
public sealed class Zlh : IDisposable
{
    public Zlh(Uri? api = null)
    {
        Api = api;
        ConfigHome = Directory.CreateTempSubdirectory("zlh-cli-test-").FullName;
    }

    public Uri? Api { get; }
    public string ConfigHome { get; }
    public string CredentialsPath => Path.Combine(ConfigHome, "zlh", "credentials.json");

    /// <summary>Extra environment for every run (e.g. ZLH_SSH_BASTION).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    public Task<ZlhResult> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    public async Task<ZlhResult> RunWithInputAsync(string? stdin, params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        if (stdin is not null) await process.StandardInput.WriteLineAsync(stdin);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        // A guard against a hung test run, not a timing assertion.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"zlh {string.Join(' ', args)} did not exit: {await output}{await error}");
        }
        return new ZlhResult(args, process.ExitCode, await output, await error);
    }

    /// <summary>A zlh that keeps running (e.g. <c>status --watch</c>), read line by line; disposing it kills it.</summary>
    public RunningZlh Start(params string[] args)
    {
        var process = Process.Start(StartInfo(args))!;
        process.StandardInput.Close();
        return new RunningZlh(process);
    }

    private ProcessStartInfo StartInfo(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "zlh.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var name in new[] { "ZLH_API", "ZLH_SSH_BASTION" }) start.Environment.Remove(name);
        start.Environment["XDG_CONFIG_HOME"] = ConfigHome;
        if (Api is not null) start.Environment["ZLH_API"] = Api.ToString();
        foreach (var (name, value) in Environment) start.Environment[name] = value;
        return start;
    }

    public void Dispose() => Directory.Delete(ConfigHome, recursive: true);
}

/// <summary>A running zlh: its stdout line by line, its stderr when it is over.</summary>
public sealed class RunningZlh(Process process) : IAsyncDisposable
{
    private readonly Task<string> _error = process.StandardError.ReadToEndAsync();

    public async Task<string> NextLineAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return await process.StandardOutput.ReadLineAsync(cancel.Token)
                   ?? throw new EndOfStreamException($"zlh exited ({process.ExitCode}): {await _error}");
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("zlh printed no line in time");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }
}

/// <summary>What one run printed; <see cref="ToString"/> gives all of it for assertion messages.</summary>
public sealed record ZlhResult(string[] Args, int ExitCode, string Out, string Err)
{
    public JsonElement Json => JsonDocument.Parse(Out).RootElement;

    public override string ToString() => $"zlh {string.Join(' ', Args)} → {ExitCode}\nstdout:\n{Out}\nstderr:\n{Err}";
}
