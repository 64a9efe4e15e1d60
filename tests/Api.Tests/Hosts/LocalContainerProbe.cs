using System.Diagnostics;
using ZeroLagHub.Api.Hosts.Local;

namespace ZeroLagHub.Api.Tests.Hosts;

/// <summary>A local container seen from the host: its agent, and commands run inside it as its code would be.</summary>
public static class LocalContainerProbe
{
    /// <summary>The agent: the init script's child (other than the "sleep" between two agents).</summary>
    public static HostProcess? Agent(LocalContainerRecord? record) => record?.Init?.Agent();

    /// <summary>The host's pid of the container's process <paramref name="pidInside"/> (as its agent reports pids).</summary>
    public static int HostPid(LocalContainerRecord record, int pidInside) =>
        record.Init is { PidNamespace: not null } init
            ? init.Members().Single(p => HostProcess.InnermostPid(p.Pid) == pidInside).Pid
            : pidInside;

    /// <summary>
    /// Runs <paramref name="script"/> inside the container (its PID and network namespaces and mounts, entered through the agent)
    /// as the container's user, the way its own code runs; returns the exit code and output.
    /// </summary>
    public static async Task<(int Code, string Output)> RunAsTenantAsync(LocalContainerRecord record, int uid, int gid, string script)
    {
        var agent = Agent(record) ?? throw new InvalidOperationException("the container's agent does not run");
        var start = new ProcessStartInfo("nsenter") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["--target", $"{agent.Pid}", "--pid", "--mount", "--net", "--", "setpriv", $"--reuid={uid}", $"--regid={gid}", "--clear-groups",
                     "/bin/sh", "-c", script])
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
