namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// Containers made by the version before <see cref="ContainerInit"/>: the agent ran in the host's PID namespace with
/// no init, found by its command line (<c>--config &lt;path&gt;</c>). Used once per such container, to end it
/// before its upgrade (<see cref="LocalContainerRecord.Layout"/>).
/// </summary>
public static class PreviousLayout
{
    /// <summary>SIGTERM to the agent started with <paramref name="configPath"/>, SIGKILL after <paramref name="grace"/>; returns its pid, or null when none ran.</summary>
    public static async Task<int?> EndAgentAsync(string configPath, TimeSpan grace, CancellationToken ct)
    {
        if (FindAgent(configPath) is not { } agent) return null;
        agent.Signal(HostProcess.SigTerm);
        var deadline = DateTime.UtcNow + grace;
        while (agent.IsStill() && DateTime.UtcNow < deadline) await Task.Delay(100, ct);
        if (agent.IsStill()) agent.Signal(HostProcess.SigKill);
        return agent.Pid;
    }

    /// <summary>
    /// Ends the processes of <paramref name="uid"/> that belong to the container in <paramref name="directory"/>: working
    /// there or naming it on their command line (the holder, the game server, code-server, shells). That user's name
    /// (<c>zlh-c&lt;vmid&gt;</c>) may be another control plane's container's too, whose processes stay.
    /// </summary>
    public static async Task<IReadOnlyList<HostProcess>> EndProcessesWithinAsync(int uid, string directory, CancellationToken ct)
    {
        var within = directory.TrimEnd('/') + "/";
        List<HostProcess> Ours() => [.. LocalUsers.ProcessesOf(uid).Where(p => Cwd(p.Pid).StartsWith(within, StringComparison.Ordinal)
            || Args(p.Pid).Any(a => a.StartsWith(within, StringComparison.Ordinal)))];
        var ended = Ours();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Ours() is { Count: > 0 } left && DateTime.UtcNow < deadline)
        {
            foreach (var p in left) p.Signal(HostProcess.SigKill);
            await Task.Delay(50, ct);
        }
        return ended;
    }

    /// <summary>The agent process itself (the dotnet process, not a sandbox wrapper around it).</summary>
    private static HostProcess? FindAgent(string configPath)
    {
        foreach (var process in HostProcess.All())
        {
            var args = Args(process.Pid);
            var at = Array.IndexOf(args, "--config");
            if (at >= 0 && at + 1 < args.Length && args[at + 1] == configPath
                && args.Any(a => a.EndsWith("ZeroLagHub.Agent.dll", StringComparison.Ordinal))
                && !args[0].EndsWith("bwrap", StringComparison.Ordinal) && !args[0].EndsWith("setpriv", StringComparison.Ordinal))
                return process;
        }
        return null;
    }

    private static string[] Args(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0'); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    private static string Cwd(int pid)
    {
        try { return (new FileInfo($"/proc/{pid}/cwd").LinkTarget ?? "") + "/"; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }
}
