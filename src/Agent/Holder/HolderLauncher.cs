using System.Diagnostics;
using System.Text.Json;

namespace ZeroLagHub.Agent.Holder;

/// <summary>
/// Starts a holder (<see cref="HolderProgram"/>) detached from the agent: through <c>setsid --fork</c>,
/// so it is in its own session and NOT the agent's child. The agent reaps only <c>setsid</c> (its own
/// child, through <see cref="Process"/>), never the holder or the server: ARCHITECTURE.md's rule that
/// the agent waits only for its own pids, and the reason an agent restart leaves the server alone.
/// </summary>
public static class HolderLauncher
{
    /// <summary>Writes <paramref name="launch"/> and starts the holder; returns once <c>setsid</c> has forked it off.</summary>
    public static async Task StartAsync(HolderPaths paths, HolderLaunch launch, CancellationToken ct)
    {
        paths.CreatePrivate();
        File.Delete(paths.Exit);
        await File.WriteAllBytesAsync(paths.Launch, JsonSerializer.SerializeToUtf8Bytes(launch, JsonSerializerOptions.Web), ct);

        // The shell swaps the agent's stdio for /dev/null and the holder's log before exec: a holder
        // writing into the agent's stdout pipe would die of SIGPIPE once that agent is gone.
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var arg in (string[])["--fork", "/bin/sh", "-c", "exec \"$@\" </dev/null >>\"$ZLH_HOLDER_LOG\" 2>&1", "sh"])
            start.ArgumentList.Add(arg);
        foreach (var arg in HolderCommand()) start.ArgumentList.Add(arg);
        start.ArgumentList.Add("hold");
        start.ArgumentList.Add(paths.Directory);
        start.Environment["ZLH_HOLDER_LOG"] = paths.Log;
        // The holder is idle nearly always: workstation GC keeps it small.
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_TieredPGO"] = "0";

        using var setsid = Process.Start(start) ?? throw new IOException("setsid did not start");
        await setsid.WaitForExitAsync(ct);
        if (setsid.ExitCode != 0) throw new IOException($"setsid --fork exited with {setsid.ExitCode}");
    }

    /// <summary>
    /// How to run this agent again: its apphost beside the assembly, else <c>dotnet &lt;assembly&gt;</c>
    /// (tests run the agent inside the test host), else the running executable (single-file publish).
    /// </summary>
    private static string[] HolderCommand()
    {
        var assembly = typeof(HolderProgram).Assembly.Location;
        if (assembly.Length == 0) return [Environment.ProcessPath!];
        var apphost = Path.ChangeExtension(assembly, null);
        return File.Exists(apphost) ? [apphost] : ["dotnet", assembly];
    }
}
