using ZeroLagHub.Agent.Files.Native;

namespace ZeroLagHub.Agent.Files;

/// <summary>
/// Deletes an entry beneath an open parent. A tree is walked through directory fds opened with
/// O_NOFOLLOW, and every removal is <c>unlinkat</c> on a name inside one of them, so a link is removed
/// as a link and never descended into: a link to <c>/</c> inside the tree costs one unlink, not the host.
/// </summary>
/// <remarks>
/// A recursive delete is not atomic: if it fails half-way (a permission, a concurrent writer), the
/// part already removed stays removed. Depth is capped because each level holds one open fd and one
/// stack frame; a tree deeper than that is refused as TooDeep rather than exhausting either.
/// </remarks>
internal static class TreeDeleter
{
    private const int MaxDepth = 256;
    private const int MaxRounds = 4;   // re-read a directory this often if entries keep appearing

    /// <summary>How many entries were removed.</summary>
    public static FileOutcome<long> Delete(Fd parent, string name, bool recursive)
    {
        var errno = StatX.TryGet(parent.Value, name, out var stat);
        if (errno != 0) return ErrnoErrors.Fail<long>(errno);
        if (!stat.IsDirectory) return Unlink(parent.Value, name, 0);
        if (!recursive) return Unlink(parent.Value, name, Libc.AT_REMOVEDIR);
        return DeleteTree(parent.Value, name, depth: 0);
    }

    private static FileOutcome<long> DeleteTree(int parentFd, string name, int depth)
    {
        if (depth > MaxDepth) return FileError.TooDeep;
        var fd = Libc.openat(parentFd, name, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            var errno = Errno.Last;
            // Swapped for a link or a file since it was seen as a directory: remove that, do not follow it.
            return errno is Errno.ELOOP or Errno.ENOTDIR ? Unlink(parentFd, name, 0) : ErrnoErrors.Fail<long>(errno);
        }

        using var dir = new Fd(fd);
        long removed = 0;
        for (var round = 0; round < MaxRounds; round++)
        {
            Libc.lseek(dir.Value, 0, Libc.SEEK_SET);
            var errno = DirectoryEntries.TryRead(dir, out var entries);
            if (errno != 0) return ErrnoErrors.Fail<long>(errno);
            if (entries.Count == 0) break;
            foreach (var (entry, type) in entries)
            {
                var isDirectory = type == DirectoryEntries.DT_DIR ||
                    (type == DirectoryEntries.DT_UNKNOWN && StatX.TryGet(dir.Value, entry, out var s) == 0 && s.IsDirectory);
                var outcome = isDirectory ? DeleteTree(dir.Value, entry, depth + 1) : Unlink(dir.Value, entry, 0);
                if (!outcome.Ok && outcome.Errno == Errno.EISDIR) outcome = DeleteTree(dir.Value, entry, depth + 1);
                if (outcome.Error == FileError.NotFound) continue;   // someone else removed it: fine
                if (!outcome.Ok) return outcome;
                removed += outcome.Value;
            }
        }
        var self = Unlink(parentFd, name, Libc.AT_REMOVEDIR);
        return self.Ok ? removed + 1 : self;
    }

    private static FileOutcome<long> Unlink(int dirfd, string name, int flags)
    {
        if (Libc.unlinkat(dirfd, name, flags) == 0) return 1L;
        var errno = Errno.Last;
        // Some filesystems answer EEXIST for a non-empty directory (POSIX allows either).
        return errno == Errno.EEXIST && flags == Libc.AT_REMOVEDIR ? new FileOutcome<long>(0, FileError.NotEmpty, errno) : ErrnoErrors.Fail<long>(errno);
    }
}
