using Microsoft.Extensions.Options;
using ZeroLagHub.Agent.Hosting;

namespace ZeroLagHub.Agent.CodeServer;

/// <summary>
/// Where code-server is installed, and whether one runs. "Running" is decided from /proc/*/cmdline,
/// not from a PID file: a PID file outlives a crash, and a restarted agent has no child handle.
/// </summary>
public sealed class CodeServerLocator(IOptions<AgentOptions> options)
{
    public string InstallDir => Path.Combine(options.Value.ZlhRoot, "services", "code-server");

    public bool IsInstalled => File.Exists(Path.Combine(InstallDir, ".zlh-installed"));

    /// <summary>The directory of code-server's socket: code-server's user's alone (0700), see <see cref="CodeServerSocket"/>.</summary>
    public string SocketDirectory => Path.Combine(options.Value.RunDirPath, "code-server");

    /// <summary>The Unix socket code-server listens on (<c>--socket</c>).</summary>
    public string SocketPath => Path.Combine(SocketDirectory, "code-server.sock");

    /// <summary>
    /// The name the agent's <c>/ide</c> hop connects to: a link to <see cref="SocketPath"/> in a directory of the
    /// agent's alone, made once its listener is known to be code-server (<see cref="CodeServerHandOff"/>).
    /// </summary>
    public string HopSocketPath => Path.Combine(options.Value.RunDirPath, "ide", "code-server.sock");

    /// <summary>The pid of a process whose command line runs something from <see cref="InstallDir"/>, if any.</summary>
    public int? FindRunning() => Processes().Select(p => (int?)p.Pid).FirstOrDefault();

    /// <summary>
    /// Whether a running code-server was started on <see cref="SocketPath"/> (<c>--socket &lt;path&gt;</c>; its
    /// child processes have no such arguments, the one that listens has). False for one started otherwise, e.g.
    /// by an agent from before code-server moved to a Unix socket (<c>--bind-addr 127.0.0.1:&lt;port&gt;</c>).
    /// </summary>
    public bool RunsOnSocket()
    {
        var socket = SocketPath;
        return Processes().Any(p =>
        {
            var at = Array.IndexOf(p.Args, "--socket");
            return at >= 0 && at + 1 < p.Args.Length && p.Args[at + 1] == socket;
        });
    }

    private IEnumerable<(int Pid, string[] Args)> Processes()
    {
        var prefix = InstallDir + "/";
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string[] args;
            try { args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0'); }
            catch (IOException) { continue; }          // exited while we looked
            catch (UnauthorizedAccessException) { continue; }
            if (args.Any(arg => arg.StartsWith(prefix, StringComparison.Ordinal))) yield return (pid, args);
        }
    }
}
