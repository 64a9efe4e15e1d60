using System.Diagnostics;

namespace ZeroLagHub.Api.Tests.Artifacts;

/// <summary><c>scripts/artifacts.sh</c> (copied beside the API, as the API runs it) run as a process.</summary>
public static class ArtifactScript
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "artifacts.sh");

    public static async Task<(int ExitCode, string Out, string Err)> RunAsync(string artifactDirectory, IDictionary<string, string>? environment,
        params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["ZLH_ARTIFACTS_DIR"] = artifactDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        // A guard against a hung run (a registry that never answers), not a timing assertion.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(guard.Token);
        return (process.ExitCode, await output, await error);
    }
}
