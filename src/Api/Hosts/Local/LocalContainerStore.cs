using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// The local host's files: <c>&lt;root&gt;/&lt;container id&gt;/</c> holds <c>host.json</c> (0600: it has the
/// agent token), <c>agent.log</c>, <c>slirp.sock</c> (the control plane's), <c>etc/</c> (the
/// container's <c>/etc</c>), and <c>rootfs/</c> and <c>run/</c> (the agent's sockets, 0700), the only
/// parts the container's own user owns. The agent's config lives in <c>rootfs/etc/zlh-agent.json</c>,
/// readable by that user alone.
/// </summary>
public sealed class LocalContainerStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly string _root;
    private readonly int _firstVmid;

    public LocalContainerStore(IOptions<LocalHostOptions> options)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the control plane runs on Linux");
        _root = options.Value.Root;
        _firstVmid = options.Value.FirstVmid;
        Directory.CreateDirectory(_root);
        File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
    }

    public string DirectoryOf(Guid id) => Path.Combine(_root, id.ToString());

    public string RootfsOf(Guid id) => Path.Combine(DirectoryOf(id), "rootfs");

    public string AgentConfigPath(Guid id) => Path.Combine(RootfsOf(id), "etc", "zlh-agent.json");

    public string AgentLogPath(Guid id) => Path.Combine(DirectoryOf(id), "agent.log");

    /// <summary>
    /// The agent's listening socket, bound by the control plane and handed to the agent's init, in a directory of its
    /// own (<see cref="AgentSocketDirectory"/>: root's, 0700, mounted into no container): no container's code, nor the
    /// agent, can remove, replace or even see it, and no container's shutdown unlinks it.
    /// </summary>
    public string AgentSocketPath(Guid id) => Path.Combine(AgentSocketDirectory, $"{id}.sock");

    /// <summary>The agents' sockets' directory (see <see cref="AgentSocketPath"/>); created 0700 if missing.</summary>
    public string AgentSocketDirectory
    {
        get
        {
            if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the control plane runs on Linux");
            var dir = Path.Combine(_root, ".agents");
            if (!Directory.Exists(dir)) Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return dir;
        }
    }

    /// <summary>slirp4netns's API socket (published ports are added through it).</summary>
    public string NetworkSocketPath(Guid id) => Path.Combine(DirectoryOf(id), "slirp.sock");

    /// <summary>The container's copy of <c>/etc</c> (<see cref="ContainerEtc"/>).</summary>
    public string EtcOf(Guid id) => Path.Combine(DirectoryOf(id), "etc");

    /// <summary>The agent's <c>RunDir</c> on this machine (code-server's socket is beneath it): outside the rootfs, whose path is longer.</summary>
    public string RunDirOf(Guid id) => Path.Combine(DirectoryOf(id), "run");

    /// <summary>Creates <see cref="RunDirOf"/> if missing (containers made before it existed too), mode 0700; returns it.</summary>
    public string PrepareRunDir(Guid id)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the control plane runs on Linux");
        var run = RunDirOf(id);
        Directory.CreateDirectory(run);
        File.SetUnixFileMode(run, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return run;
    }

    /// <summary>Root's, 0711: the container's user reaches code-server's socket directory beneath it (which the agent gives it), and lists nothing.</summary>
    public void OpenRunDirToTenant(Guid id)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the control plane runs on Linux");
        var run = RunDirOf(id);
        Chown(run, 0, 0);
        File.SetUnixFileMode(run, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
    }

    public LocalContainerRecord? Find(Guid id)
    {
        var file = Path.Combine(DirectoryOf(id), "host.json");
        return File.Exists(file) ? JsonSerializer.Deserialize<LocalContainerRecord>(File.ReadAllText(file), Json) : null;
    }

    public IEnumerable<LocalContainerRecord> All() =>
        Directory.EnumerateDirectories(_root)
            .Select(d => Guid.TryParse(Path.GetFileName(d), out var id) ? Find(id) : null)
            .OfType<LocalContainerRecord>();

    /// <summary>Vmids are never reused here, even after a delete, so an old log line cannot be mistaken for a new container.</summary>
    public int NextVmid()
    {
        var counter = Path.Combine(_root, "next-vmid");
        var next = File.Exists(counter) && int.TryParse(File.ReadAllText(counter), out var n) ? n : _firstVmid;
        File.WriteAllText(counter, (next + 1).ToString());
        return next;
    }

    /// <summary>The directory tree an agent expects of a container.</summary>
    public void Prepare(LocalContainerRecord record)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the control plane runs on Linux");
        var dir = Directory.CreateDirectory(DirectoryOf(record.ContainerId));
        dir.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        foreach (var sub in new[] { "etc", "opt/zlh", "home/dev/workspace", "srv/server", "var/lib/zlh-agent" })
            Directory.CreateDirectory(Path.Combine(RootfsOf(record.ContainerId), sub));
        File.SetUnixFileMode(RootfsOf(record.ContainerId), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Where bubblewrap reports the container's PID namespace as it starts.</summary>
    public string InitStatusPath(Guid id) => Path.Combine(DirectoryOf(id), "init.status");

    /// <summary>Creates <see cref="AgentLogPath"/> if missing, readable by the API's user alone (the container's output lands there).</summary>
    public string PrepareAgentLog(Guid id)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the control plane runs on Linux");
        var path = AgentLogPath(id);
        using (new FileStream(path, new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite })) { }
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    /// <summary>
    /// The container's tree for an agent running as root (<see cref="LocalSandbox.AgentIsRoot"/>): the system's parts
    /// (its configuration, <c>/opt/zlh</c>, the agent's state) are root's, which the container's code may read (0755,
    /// the configuration excepted) but not change; the dev home and the server root are the container's user's.
    /// </summary>
    public async Task SplitOwnershipAsync(Guid id, int uid, int gid, CancellationToken ct)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the control plane runs on Linux");
        var rootfs = RootfsOf(id);
        File.SetUnixFileMode(rootfs, (UnixFileMode)0b111_101_101);
        // A tree the container's user owned before (the previous layout) may hold links planted where our
        // directories belong: those are replaced, never followed.
        foreach (var system in new[] { "etc", "opt", "opt/zlh", "var", "var/lib", "var/lib/zlh-agent", "home", "srv" })
        {
            var dir = Path.Combine(rootfs, system);
            if (new FileInfo(dir).LinkTarget is not null) File.Delete(dir);
            Directory.CreateDirectory(dir);
            Chown(dir, 0, 0);
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        }
        foreach (var system in new[] { "etc", "opt/zlh", "var/lib/zlh-agent" })
            await GiveToAsync(Path.Combine(rootfs, system), 0, 0, ct);
        foreach (var tenant in new[] { "home/dev", "srv/server" })
        {
            var dir = Path.Combine(rootfs, tenant);
            if (new FileInfo(dir).LinkTarget is not null) File.Delete(dir);
            Directory.CreateDirectory(dir);
            await GiveToAsync(dir, uid, gid, ct);
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static void Chown(string path, int uid, int gid)
    {
        if (Native.lchown(path, uid, gid) != 0)
            throw new IOException($"chown {uid}:{gid} {path} failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
    }

    private static class Native
    {
        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        internal static extern int lchown([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int owner, int group);
    }

    public void Save(LocalContainerRecord record)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the control plane runs on Linux");
        var file = Path.Combine(DirectoryOf(record.ContainerId), "host.json");
        var temp = file + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(record, Json));
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, file, overwrite: true);
    }

    /// <summary>The agent's configuration as last written, or null.</summary>
    public string? ReadAgentConfig(Guid id) => File.Exists(AgentConfigPath(id)) ? File.ReadAllText(AgentConfigPath(id)) : null;

    public async Task WriteAgentConfigAsync(Guid id, string json, CancellationToken ct)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the control plane runs on Linux");
        var path = AgentConfigPath(id);
        File.Delete(path);   // never written through a link left there
        await using (var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write,
                         UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        await using (var writer = new StreamWriter(file))
            await writer.WriteAsync(json.AsMemory(), ct);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>Hands the container's tree to its own user: the agent can write there and nowhere else of ours.</summary>
    public static async Task GiveToAsync(string path, int uid, int gid, CancellationToken ct)
    {
        // chown -R does not follow symbolic links, so a link planted in the tree cannot hand over our files.
        using var chown = System.Diagnostics.Process.Start("chown", ["-R", $"{uid}:{gid}", path]);
        await chown.WaitForExitAsync(ct);
        if (chown.ExitCode != 0) throw new IOException($"chown -R {uid}:{gid} {path} failed ({chown.ExitCode})");
    }

    public IReadOnlyList<string> AgentLogTail(Guid id, int lines)
    {
        var path = AgentLogPath(id);
        return File.Exists(path) ? File.ReadLines(path).TakeLast(lines).ToList() : [];
    }

    public void Delete(Guid id)
    {
        File.Delete(AgentSocketPath(id));
        var dir = DirectoryOf(id);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }
}
