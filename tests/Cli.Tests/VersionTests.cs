using System.Diagnostics;

namespace ZeroLagHub.Cli.Tests;

/// <summary>The zlh binary, run as a real process.</summary>
public sealed class VersionTests
{
    private static (int ExitCode, string Out, string Err) Run(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "zlh.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error);
    }

    [Fact]
    public void VersionPrintsTheVersionAndSucceeds()
    {
        var (exit, output, _) = Run("--version");
        Assert.Equal(0, exit);
        Assert.Matches(@"^zlh \d+\.\d+\.\d+\s*$", output);
    }
}
