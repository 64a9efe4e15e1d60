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

    /// <summary>The pid of a process whose command line runs something from <see cref="InstallDir"/>, if any.</summary>
    public int? FindRunning()
    {
        var prefix = InstallDir + "/";
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string cmdline;
            try { cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")); }
            catch (IOException) { continue; }          // exited while we looked
            catch (UnauthorizedAccessException) { continue; }
            if (cmdline.Split('\0').Any(arg => arg.StartsWith(prefix, StringComparison.Ordinal))) return pid;
        }
        return null;
    }
}
