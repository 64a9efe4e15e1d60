namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// How a local container is kept from the API's secrets, the database files and other containers:
/// as root, each container has a system user of its own (so 0600 files of the API are unreadable) and
/// runs inside bubblewrap with only the system directories, the agent binary and its own directory mounted
/// (so the API's data directory does not even exist for it), a copy of the world-readable part of <c>/etc</c>
/// (<see cref="ContainerEtc"/>), in a PID namespace of its own (it sees its own processes only, and they all end
/// with it) and a network namespace of its own (<see cref="LocalNetwork"/>). There its agent runs as root with a few capabilities
/// (to run the container's code as the container's user, and to own and read its files) and
/// no_new_privs: the container's code cannot become it, signal it or read its memory or configuration.
/// Neither is possible unprivileged.
/// </summary>
public sealed class LocalSandbox
{
    private LocalSandbox(bool perContainerUsers, string? bubblewrap, string? weakness, string? slirp4netns = null, string? refusal = null)
    {
        PerContainerUsers = perContainerUsers;
        Bubblewrap = bubblewrap;
        Weakness = weakness;
        Slirp4netns = slirp4netns;
        Refusal = refusal;
    }

    public bool PerContainerUsers { get; }

    public string? Bubblewrap { get; }

    /// <summary>The slirp4netns binary when each container gets a network namespace of its own (under bubblewrap only).</summary>
    public string? Slirp4netns { get; }

    /// <summary>What containers can reach that they should not, said at start-up; null when fully sandboxed.</summary>
    public string? Weakness { get; }

    /// <summary>
    /// Why no container is started: isolation is missing that this machine could have (as root) and the operator did not
    /// knowingly give up with <c>Sandbox=none</c>. Null when containers may run.
    /// </summary>
    public string? Refusal { get; }

    /// <param name="mode"><c>auto</c>, <c>bubblewrap</c> (required) or <c>none</c>.</param>
    /// <param name="root">Whether the API runs as root: only root can switch users and set up namespaces.</param>
    /// <param name="bubblewrap">The bwrap binary, if installed.</param>
    /// <param name="slirp4netns">The slirp4netns binary, if installed: the containers' outbound network.</param>
    public static LocalSandbox Detect(string mode, bool root, string? bubblewrap, string? slirp4netns) => mode switch
    {
        "none" => new LocalSandbox(false, null,
            "Hosts:Local:Sandbox is 'none': containers run as the API's user, share its network (PostgreSQL, Redis and the API on loopback) and can read its files and each other's. Single-user only"),
        "bubblewrap" when bubblewrap is null || !root => throw new InvalidOperationException(
            "Hosts:Local:Sandbox is 'bubblewrap' but bwrap is not installed (apt-get install bubblewrap) or the API does not run as root"),
        "bubblewrap" or "auto" when !root => new LocalSandbox(false, null,
            "not running as root, so containers share the API's user and network and can read its files and each other's. Single-user only; use Proxmox for several users"),
        "bubblewrap" or "auto" when bubblewrap is null => Refused(
            "bubblewrap is not installed (apt-get install bubblewrap): containers would see the whole file system and every process, share the host's network "
            + "(PostgreSQL, Redis, the API and other containers on loopback), and their agents would run as the container's user (its code could read the agent's token)"),
        "bubblewrap" or "auto" when slirp4netns is null => Refused(
            "slirp4netns is not installed (apt-get install slirp4netns): containers would share the host's network, so their code could reach PostgreSQL, "
            + "Redis, the API and other containers' ports on loopback"),
        "bubblewrap" or "auto" => new LocalSandbox(true, bubblewrap, null, slirp4netns),
        _ => throw new InvalidOperationException($"Hosts:Local:Sandbox: '{mode}' is not auto, bubblewrap or none"),
    };

    private static LocalSandbox Refused(string missing)
    {
        var refusal = $"{missing}. No local container is started until it is installed (and the API restarted), or Hosts:Local:Sandbox is set to 'none' to run them unisolated knowingly";
        return new LocalSandbox(true, null, refusal, refusal: refusal);
    }

    /// <summary>Detects for this process and machine.</summary>
    public static LocalSandbox Detect(string mode) =>
        Detect(mode, Environment.UserName == "root", new[] { "/usr/bin/bwrap", "/bin/bwrap" }.FirstOrDefault(File.Exists),
            new[] { "/usr/bin/slirp4netns", "/bin/slirp4netns" }.FirstOrDefault(File.Exists));

    /// <summary>Where bubblewrap shows the container's run directory to the agent: short, whatever the data directory's path.</summary>
    public const string RunDirInside = "/run/zlh-agent";

    /// <summary>Where bubblewrap shows the artifact relay's directory (<see cref="ArtifactRelay"/>) to the agent.</summary>
    public const string ArtifactRelayInside = "/run/zlh-api";

    /// <summary>
    /// The agent's <c>RunDir</c> for the host directory <paramref name="hostRunDir"/>: <see cref="RunDirInside"/> under
    /// bubblewrap, else that directory itself (then the data directory's path must leave room for a Unix socket's
    /// 107 bytes; the agent says so when it does not).
    /// </summary>
    public string AgentRunDir(string hostRunDir) => Bubblewrap is null ? hostRunDir : RunDirInside;

    /// <summary>Capabilities the agent keeps as root under bubblewrap: run code as the container's user, own and read its files, signal its processes.</summary>
    private static readonly string[] AgentCapabilities =
        ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID"];

    /// <summary>Whether the agent runs as root, the container's code as <see cref="PerContainerUsers"/>' user (else both run as that user, or as the API's).</summary>
    public bool AgentIsRoot => Bubblewrap is not null;

    /// <summary>The program and arguments that start the container's init, wrapped as this sandbox requires.</summary>
    /// <param name="runDir">The container's run directory on this machine (see <see cref="AgentRunDir"/>).</param>
    /// <param name="etc">The container's copy of <c>/etc</c> (<see cref="ContainerEtc"/>).</param>
    /// <param name="artifactRelay">The directory of the artifact relay's socket, shown at <see cref="ArtifactRelayInside"/>.</param>
    /// <param name="readOnly">Directories the agent needs besides the system's: its binaries and the .NET runtime.</param>
    /// <param name="user">The container's user: the agent's too without bubblewrap.</param>
    /// <param name="init">The init and its arguments.</param>
    public IReadOnlyList<string> Wrap(string containerDir, string runDir, string etc, string artifactRelay, IEnumerable<string> readOnly,
        (int Uid, int Gid)? user, IReadOnlyList<string> init)
    {
        var command = new List<string>();
        if (Bubblewrap is not null)
        {
            var mounts = readOnly.Where(d => !d.StartsWith("/usr/", StringComparison.Ordinal)).ToList();
            command.AddRange([Bubblewrap,
                "--ro-bind", "/usr", "/usr", "--ro-bind", etc, "/etc",
                "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
                "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
                "--proc", "/proc", "--dev", "/dev",
                "--perms", "1777", "--tmpfs", "/tmp", "--perms", "0755", "--dir", "/var", "--perms", "1777", "--tmpfs", "/var/tmp"]);
            // bwrap makes missing parents of a mount point 0700, which the container's user could not pass.
            foreach (var parent in mounts.Append(containerDir).SelectMany(Ancestors).Distinct())
                command.AddRange(["--perms", "0755", "--dir", parent]);
            command.AddRange(["--bind", containerDir, containerDir]);
            command.AddRange(["--perms", "0755", "--dir", "/run", "--bind", runDir, RunDirInside, "--ro-bind", artifactRelay, ArtifactRelayInside]);
            foreach (var dir in mounts) command.AddRange(["--ro-bind", dir, dir]);
            if (Slirp4netns is not null) command.Add("--unshare-net");
            command.AddRange(["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--hostname", "zlh-local", "--json-status-fd", "3", "--cap-drop", "ALL"]);
            foreach (var cap in AgentCapabilities) command.AddRange(["--cap-add", cap]);
            command.Add("--");
        }
        else if (user is { } u)
            command.AddRange(["setpriv", $"--reuid={u.Uid}", $"--regid={u.Gid}", "--clear-groups", "--"]);
        command.AddRange(init);
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
}
