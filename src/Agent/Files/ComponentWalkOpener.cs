using ZeroLagHub.Agent.Files.Native;

namespace ZeroLagHub.Agent.Files;

/// <summary>
/// The fallback where openat2 is missing: walk the path one component at a time, each
/// <c>openat(current, name, O_NOFOLLOW)</c> relative to the directory opened one step before, as
/// Pterodactyl Wings does. A link swapped in at any moment is met by O_NOFOLLOW at the step that
/// reaches it; a directory swapped out after its step no longer matters, because the walk holds an fd
/// to the directory itself, not its name.
/// </summary>
/// <remarks>
/// Only equivalent to <see cref="Openat2Opener"/> because callers never pass <c>..</c> (JailedPath folds
/// it) or absolute paths: those are what RESOLVE_BENEATH polices and this walk does not.
/// </remarks>
internal sealed class ComponentWalkOpener : IBeneathOpener
{
    public FileOutcome<Fd> Open(Fd root, string relative, int flags, uint mode = 0)
    {
        var parts = relative.Split('/');
        Fd? current = null;   // null: still at the root, which the caller owns
        try
        {
            for (var i = 0; i < parts.Length - 1; i++)
            {
                var dirfd = current?.Value ?? root.Value;
                var next = Libc.openat(dirfd, parts[i], Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
                if (next < 0) return Classify<Fd>(dirfd, parts[i], Errno.Last);
                current?.Dispose();
                current = new Fd(next);
            }

            var parent = current?.Value ?? root.Value;
            var last = parts[^1];
            int fd;
            do fd = Libc.openat(parent, last, flags | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, mode);
            while (fd < 0 && Errno.Last == Errno.EINTR);
            if (fd < 0) return Classify<Fd>(parent, last, Errno.Last);

            var opened = new Fd(fd);
            // O_PATH|O_NOFOLLOW opens a link itself instead of failing: refuse it here.
            if (StatX.TryGet(opened, out var stat) == 0 && stat.IsSymlink && last != ".")
            {
                opened.Dispose();
                return FileError.Symlink;
            }
            return opened;
        }
        finally
        {
            current?.Dispose();
        }
    }

    /// <summary>O_NOFOLLOW|O_DIRECTORY on a link says ENOTDIR, not ELOOP; look at what is there to name it right.</summary>
    private static FileOutcome<T> Classify<T>(int dirfd, string name, int errno)
    {
        if (errno == Errno.ENOTDIR && StatX.TryGet(dirfd, name, out var stat) == 0 && stat.IsSymlink)
            return new FileOutcome<T>(default, FileError.Symlink, errno);
        return ErrnoErrors.Fail<T>(errno);
    }
}
