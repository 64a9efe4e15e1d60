using Microsoft.Extensions.Options;
using ZeroLagHub.Agent.Hosting;
using ZeroLagHub.Agent.Provisioning;
using ZeroLagHub.Agent.Pty;

namespace ZeroLagHub.Agent.Console;

/// <summary>
/// Starts the dev shell: <c>/bin/bash</c> (else <c>/bin/sh</c>) as a login shell, so the image's
/// <c>/etc/profile.d</c> brings in the installed runtime; in the workspace; as the dev user when the agent is root.
/// The environment is built from scratch: the agent's own (its token among it) never reaches the shell.
/// </summary>
internal sealed class ShellLauncher(IOptions<AgentOptions> options, ILogger log)
{
    public PtyProcess Start(int rows, int cols)
    {
        var o = options.Value;
        UnixAccount? dev = null;
        if (UnixAccount.AgentIsRoot && (dev = UnixAccount.Find(o.DevUser)) is null) log.ShellRunsAsAgent($"user {o.DevUser} does not exist");
        var shell = File.Exists("/bin/bash") ? "/bin/bash" : "/bin/sh";
        var home = dev?.Home ?? o.DevHome;
        var directory = new[] { o.WorkspaceRoot, home }.FirstOrDefault(Directory.Exists) ?? "/";
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["HOME"] = home,
            ["LANG"] = "C.UTF-8",
            ["SHELL"] = shell,
        };
        return PtyProcess.Start(new PtyStartInfo(shell, ["-l"], directory, environment, rows, cols, dev));
    }
}
