using System.Formats.Tar;

namespace ZeroLagHub.Agent.Install;

/// <summary>
/// Extracts a tar stream into a directory it cannot escape ("tar slip"). Runs as root in a real
/// container, so an archive is untrusted input even though it came from our artifact server.
/// </summary>
/// <remarks>
/// Rules, checked per entry before anything is written:
/// names are relative, without <c>..</c> or NUL, and land inside the directory; nothing is written
/// through a symlink (an earlier entry <c>lib → /etc</c> then <c>lib/passwd</c>); symlink targets are
/// relative and stay inside; hard links name a regular file already extracted, and are copied (NOTE:
/// .NET has no hard-link API, and a copy cannot be redirected later); devices and FIFOs are refused;
/// set-uid/set-gid/sticky bits are dropped; owners in the archive are ignored (files belong to the agent).
/// A chain of symlinks can still lead out (<c>a → .</c>, <c>b → a/..</c>) in ways no single entry shows,
/// so <see cref="SymlinkContainment"/> re-checks every link once the whole tree is there.
/// </remarks>
public static class TarExtractor
{
    private const UnixFileMode Permissions = (UnixFileMode)0x1FF;   // rwxrwxrwx, without suid/sgid/sticky

    /// <summary>Extracts every entry of <paramref name="tar"/> under <paramref name="root"/>; returns the failure, or null.</summary>
    public static InstallFailure? Extract(Stream tar, string root, InstallOutput output)
    {
        root = Path.GetFullPath(root);
        var count = 0;
        try
        {
            using var reader = new TarReader(tar, leaveOpen: true);
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is TarEntryType.GlobalExtendedAttributes) continue;
                ExtractEntry(entry, root);
                count++;
            }
        }
        catch (UnsafeEntryException e) { return Fail(InstallError.UnsafeArchive, $"archive rejected: {e.Message}", output); }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException)
        {
            return Fail(InstallError.Extract, $"archive unreadable after {count} entries: {e.Message}", output);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(InstallError.Filesystem, $"extracting failed after {count} entries: {e.Message}", output);
        }
        output.Add($"extracted {count} entries");
        return null;
    }

    private static void ExtractEntry(TarEntry entry, string root)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the agent runs in Linux containers");
        var path = Inside(root, entry.Name);
        if (path == root) return;   // "./" itself
        RefuseWriteThroughLinks(root, path, entry.Name);
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                // Modes of directories are not applied: a read-only directory would block its own entries.
                Directory.CreateDirectory(path);
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var mode = entry.Mode & Permissions;
                using (var file = new FileStream(path, new FileStreamOptions
                       { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = mode | UnixFileMode.UserWrite | UnixFileMode.UserRead }))
                    entry.DataStream?.CopyTo(file);
                File.SetUnixFileMode(path, mode);   // UnixCreateMode is filtered by the umask
                break;
            case TarEntryType.SymbolicLink:
                var target = entry.LinkName;
                if (target.Length == 0 || target.Contains('\0') || Path.IsPathRooted(target))
                    throw new UnsafeEntryException($"{entry.Name}: symlink to absolute path {target}");
                Inside(root, Path.GetRelativePath(root, Path.Combine(Path.GetDirectoryName(path)!, target)), $"{entry.Name} → {target}");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                if (File.Exists(path)) File.Delete(path);
                File.CreateSymbolicLink(path, target);
                break;
            case TarEntryType.HardLink:
                var source = Inside(root, entry.LinkName);
                RefuseWriteThroughLinks(root, source, entry.LinkName);
                if (!File.Exists(source) || new FileInfo(source).LinkTarget is not null)
                    throw new UnsafeEntryException($"{entry.Name}: hard link to {entry.LinkName}, which is not a regular file extracted before it");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.Copy(source, path, overwrite: true);
                break;
            default:
                throw new UnsafeEntryException($"{entry.Name}: {entry.EntryType} entries are not allowed");
        }
    }

    /// <summary>The full path of archive name <paramref name="name"/> under <paramref name="root"/>, or an <see cref="UnsafeEntryException"/>.</summary>
    private static string Inside(string root, string name, string? shown = null)
    {
        shown ??= name;
        if (name.Contains('\0')) throw new UnsafeEntryException($"{shown}: NUL in name");
        if (Path.IsPathRooted(name)) throw new UnsafeEntryException($"{shown}: absolute path");
        if (name.Split('/').Contains("..")) throw new UnsafeEntryException($"{shown}: '..' escapes the install directory");
        var full = Path.GetFullPath(Path.Combine(root, name));
        if (full != root && !full.StartsWith(root + "/", StringComparison.Ordinal))
            throw new UnsafeEntryException($"{shown}: outside the install directory");
        return full;
    }

    /// <summary>Writing to a path whose parent (or itself, for files) is a symlink would follow it, possibly outside.</summary>
    private static void RefuseWriteThroughLinks(string root, string path, string name)
    {
        for (var dir = Path.GetDirectoryName(path); dir is not null && dir.Length > root.Length; dir = Path.GetDirectoryName(dir))
            if (new FileInfo(dir).LinkTarget is not null)
                throw new UnsafeEntryException($"{name}: written through the symlink {Path.GetRelativePath(root, dir)}");
    }

    private static InstallFailure Fail(InstallError error, string message, InstallOutput output)
    {
        output.Add(message);
        return new InstallFailure(error, message, output.Tail());
    }

    private sealed class UnsafeEntryException(string message) : Exception(message);
}
