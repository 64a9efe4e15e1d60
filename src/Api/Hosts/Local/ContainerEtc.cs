namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// The <c>/etc</c> a sandboxed container sees: a copy of the host's, made at each start, of only what every user of the
/// host may read. The agent runs as root with CAP_DAC_READ_SEARCH, which would read <c>/etc/shadow</c>, private keys
/// and the services' configuration (Redis's password) through a bind of the host's <c>/etc</c>; and masking single files
/// in such a bind does not hold: the host replacing a file (useradd renames a new <c>/etc/shadow</c> into place) drops
/// a mount made over it in every other mount namespace. A copy is a few MB and ends the question.
/// </summary>
public static class ContainerEtc
{
    private const UnixFileMode OtherRead = UnixFileMode.OtherRead, OtherEnter = UnixFileMode.OtherExecute;

    /// <summary>
    /// Replaces <paramref name="target"/> with the world-readable part of <paramref name="source"/>: directories others may
    /// enter, files others may read, symbolic links as they are; nothing else (sockets, devices). With
    /// <paramref name="nameServer"/>, <c>resolv.conf</c> names it alone (the host's may be a loopback resolver).
    /// </summary>
    public static void Copy(string source, string target, string? nameServer)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the control plane runs on Linux");
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        CopyDirectory(new DirectoryInfo(source), target);
        if (nameServer is not null)
        {
            var resolv = Path.Combine(target, "resolv.conf");
            File.Delete(resolv);
            File.WriteAllText(resolv, $"nameserver {nameServer}\n");
            File.SetUnixFileMode(resolv, (UnixFileMode)0b110_100_100);
        }
    }

    private static void CopyDirectory(DirectoryInfo source, string target)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the control plane runs on Linux");
        Directory.CreateDirectory(target);
        File.SetUnixFileMode(target, source.UnixFileMode);
        foreach (var entry in source.EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true }))
        {
            try { CopyEntry(entry, Path.Combine(target, entry.Name)); }
            // Gone since it was listed: a lock file of useradd (which another container's start may run right now).
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { }
        }
    }

    private static void CopyEntry(FileSystemInfo entry, string to)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the control plane runs on Linux");
        if (entry.LinkTarget is { } link) File.CreateSymbolicLink(to, link);
        else if (entry is DirectoryInfo dir) { if ((dir.UnixFileMode & OtherEnter) != 0) CopyDirectory(dir, to); }
        else if (entry is FileInfo file && (file.UnixFileMode & OtherRead) != 0)
        {
            // Empty: created, not read, as a pipe or socket (which FileInfo lists as a file too, length 0) would block or fail.
            if (file.Length == 0) File.WriteAllBytes(to, []);
            else file.CopyTo(to);
            File.SetUnixFileMode(to, file.UnixFileMode);
        }
    }
}
