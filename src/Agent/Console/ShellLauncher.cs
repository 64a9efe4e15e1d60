using Microsoft.Extensions.Options;
using ZeroLagHub.Agent.Hosting;
using ZeroLagHub.Agent.Provisioning;
using ZeroLagHub.Agent.Pty;

namespace ZeroLagHub.Agent.Console;

/// <summary>
/// Starts the dev shell: <c>/bin/bash</c> (else <c>/bin/sh</c>), in the workspace, as the dev user when the agent is
/// root. bash reads what a login shell reads (<c>/etc/profile</c>, <c>~/.profile</c>) and then the installed runtime's
/// <c>env.sh</c>, from an rc file the agent writes beside it: an image without our <c>/etc/profile.d</c> hook (the
/// local host shares the machine's <c>/etc</c>) still gets the runtime on PATH, and no profile can reset it after.
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
        string[] arguments = shell == "/bin/bash" ? ["--rcfile", WriteRcFile(o.RuntimeEnvPath), "-i"] : ["-l"];
        return PtyProcess.Start(new PtyStartInfo(shell, arguments, directory, environment, rows, cols, dev));
    }

    private static string WriteRcFile(string runtimeEnv)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the agent runs in Linux containers");
        var path = Path.Combine(Path.GetDirectoryName(runtimeEnv)!, "shellrc");
        var quoted = "'" + runtimeEnv.Replace("'", "'\\''") + "'";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path + ".tmp", $"""
            # Written by zlh-agent: what a dev shell reads. Do not edit: every new shell rewrites it.
            [ -r /etc/profile ] && . /etc/profile
            [ -r "$HOME/.profile" ] && . "$HOME/.profile"
            [ -r {quoted} ] && . {quoted}

            """);
        File.SetUnixFileMode(path + ".tmp", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(path + ".tmp", path, overwrite: true);
        return path;
    }
}
