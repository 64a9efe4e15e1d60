using System.Diagnostics;

namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// How a local container is kept from the API's secrets, the database files and other containers:
/// as root, each agent runs as a system user of its own (so 0600 files of the API are unreadable) and
/// inside bubblewrap with only the system directories, the agent binary and its own directory mounted
/// (so the API's data directory does not even exist for it). Neither is possible unprivileged.
/// </summary>
public sealed class LocalSandbox
{
    private LocalSandbox(bool perContainerUsers, string? bubblewrap, string? weakness)
    {
        PerContainerUsers = perContainerUsers;
        Bubblewrap = bubblewrap;
        Weakness = weakness;
    }

    public bool PerContainerUsers { get; }

    public string? Bubblewrap { get; }

    /// <summary>What containers can reach that they should not, said at start-up; null when fully sandboxed.</summary>
    public string? Weakness { get; }

    /// <param name="mode"><c>auto</c>, <c>bubblewrap</c> (required) or <c>none</c>.</param>
    /// <param name="root">Whether the API runs as root: only root can switch users and set up namespaces.</param>
    /// <param name="bubblewrap">The bwrap binary, if installed.</param>
    public static LocalSandbox Detect(string mode, bool root, string? bubblewrap) => mode switch
    {
        "none" => new LocalSandbox(false, null,
            "Hosts:Local:Sandbox is 'none': containers run as the API's user and can read its files and each other's. Single-user only"),
        "bubblewrap" when bubblewrap is null || !root => throw new InvalidOperationException(
            "Hosts:Local:Sandbox is 'bubblewrap' but bwrap is not installed (apt-get install bubblewrap) or the API does not run as root"),
        "bubblewrap" or "auto" when !root => new LocalSandbox(false, null,
            "not running as root, so containers share the API's user and can read its files and each other's. Single-user only; use Proxmox for several users"),
        "bubblewrap" or "auto" when bubblewrap is null => new LocalSandbox(true, null,
            "bubblewrap is not installed (apt-get install bubblewrap): each container runs as its own user, so the API's and other containers' 0600 files stay unreadable, but it sees the whole file system"),
        "bubblewrap" or "auto" => new LocalSandbox(true, bubblewrap, null),
        _ => throw new InvalidOperationException($"Hosts:Local:Sandbox: '{mode}' is not auto, bubblewrap or none"),
    };

    /// <summary>Detects for this process and machine.</summary>
    public static LocalSandbox Detect(string mode) =>
        Detect(mode, Environment.UserName == "root", new[] { "/usr/bin/bwrap", "/bin/bwrap" }.FirstOrDefault(File.Exists));

    /// <summary>The container's own system user, created on first use.</summary>
    public static async Task<(int Uid, int Gid)> EnsureUserAsync(string name, CancellationToken ct)
    {
        if (await IdAsync(name, ct) is { } existing) return existing;
        await RunAsync("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", name], ct);
        return await IdAsync(name, ct) ?? throw new InvalidOperationException($"useradd {name} created no user");
    }

    public static async Task DeleteUserAsync(string name, CancellationToken ct)
    {
        if (await IdAsync(name, ct) is not null) await RunAsync("userdel", [name], ct);
    }

    /// <summary>Where bubblewrap shows the container's run directory to the agent: short, whatever the data directory's path.</summary>
    public const string RunDirInside = "/run/zlh-agent";

    /// <summary>
    /// The agent's <c>RunDir</c> for the host directory <paramref name="hostRunDir"/>: <see cref="RunDirInside"/> under
    /// bubblewrap, else that directory itself (then the data directory's path must leave room for a Unix socket's
    /// 107 bytes; the agent says so when it does not).
    /// </summary>
    public string AgentRunDir(string hostRunDir) => Bubblewrap is null ? hostRunDir : RunDirInside;

    /// <summary>The program and arguments that start the agent, wrapped as this sandbox requires.</summary>
    /// <param name="runDir">The container's run directory on this machine (see <see cref="AgentRunDir"/>).</param>
    /// <param name="readOnly">Directories the agent needs besides the system's: its binaries and the .NET runtime.</param>
    public IReadOnlyList<string> Wrap(string containerDir, string runDir, IEnumerable<string> readOnly, (int Uid, int Gid)? user, IReadOnlyList<string> agent)
    {
        var command = new List<string>();
        if (Bubblewrap is not null)
        {
            var mounts = readOnly.Where(d => !d.StartsWith("/usr/", StringComparison.Ordinal)).ToList();
            command.AddRange([Bubblewrap,
                "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc",
                "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
                "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
                "--proc", "/proc", "--dev", "/dev",
                "--perms", "1777", "--tmpfs", "/tmp", "--perms", "0755", "--dir", "/var", "--perms", "1777", "--tmpfs", "/var/tmp"]);
            // bwrap makes missing parents of a mount point 0700, which the container's user could not pass.
            foreach (var parent in mounts.Append(containerDir).SelectMany(Ancestors).Distinct())
                command.AddRange(["--perms", "0755", "--dir", parent]);
            command.AddRange(["--bind", containerDir, containerDir]);
            command.AddRange(["--perms", "0755", "--dir", "/run", "--bind", runDir, RunDirInside]);
            foreach (var dir in mounts) command.AddRange(["--ro-bind", dir, dir]);
            command.AddRange(["--unshare-ipc", "--unshare-uts", "--hostname", "zlh-local", "--"]);
        }
        if (user is { } u)
            command.AddRange(["setpriv", $"--reuid={u.Uid}", $"--regid={u.Gid}", "--clear-groups", "--"]);
        command.AddRange(agent);
        return command;
    }

    /// <summary><c>/a/b/c</c> → <c>/a</c>, <c>/a/b</c>: the directories bwrap would create on the way to a mount.</summary>
    private static IEnumerable<string> Ancestors(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 1; i < parts.Length; i++)
        {
            var ancestor = "/" + string.Join('/', parts[..i]);
            if (ancestor is not ("/tmp" or "/var" or "/var/tmp" or "/usr" or "/etc" or "/proc" or "/dev")) yield return ancestor;
        }
    }

    private static async Task<(int, int)?> IdAsync(string name, CancellationToken ct)
    {
        var (code, output) = await RunAsync("getent", ["passwd", name], ct, allowFailure: true);
        if (code != 0) return null;
        var fields = output.Trim().Split(':');
        return (int.Parse(fields[2]), int.Parse(fields[3]));
    }

    private static async Task<(int Code, string Output)> RunAsync(string program, string[] args, CancellationToken ct, bool allowFailure = false)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        var error = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0 && !allowFailure)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {error.Trim()}");
        return (process.ExitCode, output);
    }
}
