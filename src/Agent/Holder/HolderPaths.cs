namespace ZeroLagHub.Agent.Holder;

/// <summary>
/// The files of one held server, all in one directory (mode 0700, the agent's user): the socket, the
/// launch request, the exit record and the holder's own log.
/// </summary>
public sealed record HolderPaths(string Directory)
{
    public string Socket => Path.Combine(Directory, "holder.sock");
    public string Launch => Path.Combine(Directory, "launch.json");
    public string Exit => Path.Combine(Directory, "exit.json");
    public string Log => Path.Combine(Directory, "holder.log");

    /// <summary>Creates the directory private to the agent's user (0700), tightening it if it exists.</summary>
    public void CreatePrivate()
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the agent runs in Linux containers");
        const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        System.IO.Directory.CreateDirectory(Directory, owner);
        File.SetUnixFileMode(Directory, owner);
    }
}
