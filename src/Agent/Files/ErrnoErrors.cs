using ZeroLagHub.Agent.Files.Native;

namespace ZeroLagHub.Agent.Files;

/// <summary>What an errno from a jailed system call means for the client.</summary>
internal static class ErrnoErrors
{
    public static FileOutcome<T> Fail<T>(int errno) => new(default, Of(errno), errno);

    public static FileError Of(int errno) => errno switch
    {
        Errno.ELOOP => FileError.Symlink,           // RESOLVE_NO_SYMLINKS or O_NOFOLLOW met a link
        Errno.EXDEV => FileError.Escapes,           // RESOLVE_BENEATH: resolution would leave the root
        Errno.ENOENT => FileError.NotFound,
        Errno.ENOTDIR => FileError.NotADirectory,
        Errno.EISDIR => FileError.IsADirectory,
        Errno.ENXIO => FileError.NotARegularFile,   // open of a socket
        Errno.EEXIST => FileError.Exists,
        Errno.ENOTEMPTY => FileError.NotEmpty,
        Errno.ENAMETOOLONG => FileError.NameTooLong,
        Errno.EACCES or Errno.EPERM or Errno.EROFS => FileError.PermissionDenied,
        Errno.ENOSPC or Errno.EDQUOT => FileError.NoSpace,
        _ => FileError.Io,
    };
}
