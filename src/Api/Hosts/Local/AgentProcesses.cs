namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// Local agents found by their command line (<c>--config &lt;path&gt;</c>), not by a stored pid: a pid
/// outlives its process and may be reused, and after an API crash the agent is nobody's child.
/// </summary>
public static class AgentProcesses
{
    /// <summary>The agent process itself (the dotnet process, not a sandbox wrapper around it).</summary>
    public static int? Find(string configPath)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string[] args;
            try { args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0'); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            var at = Array.IndexOf(args, "--config");
            if (at >= 0 && at + 1 < args.Length && args[at + 1] == configPath
                && args.Any(a => a.EndsWith("ZeroLagHub.Agent.dll", StringComparison.Ordinal))
                && !args[0].EndsWith("bwrap", StringComparison.Ordinal) && !args[0].EndsWith("setpriv", StringComparison.Ordinal))
                return pid;
        }
        return null;
    }

    /// <summary>SIGTERM (the agent shuts down cleanly), then SIGKILL after <paramref name="grace"/>.</summary>
    public static async Task TerminateAsync(string configPath, TimeSpan grace, CancellationToken ct)
    {
        if (Find(configPath) is not { } pid) return;
        Kill(pid, 15);
        var deadline = DateTime.UtcNow + grace;
        while (DateTime.UtcNow < deadline)
        {
            if (Find(configPath) is null) return;
            await Task.Delay(100, ct);
        }
        if (Find(configPath) is { } stubborn) Kill(stubborn, 9);
    }

    private static void Kill(int pid, int signal) => _ = Native.kill(pid, signal);

    private static class Native
    {
        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        internal static extern int kill(int pid, int signal);
    }
}
