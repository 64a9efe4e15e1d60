using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;
using ZeroLagHub.Agent.Files.Native;
using ZeroLagHub.Agent.Hosting;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Files;

/// <summary>
/// The file browser's view of the root (the workspace, or a game server's root). Every operation
/// opens the root, opens what it needs beneath it with an <see cref="IBeneathOpener"/>, and then acts
/// only through *at calls on the directory fd it got, so no step re-resolves a path a user can change.
/// </summary>
public sealed class FileTree
{
    private const uint DirMode = 0x1ED;   // 0755

    private readonly AgentOptions _options;
    private readonly IBeneathOpener _opener;
    private readonly ILogger<FileTree> _log;

    public FileTree(IOptions<AgentOptions> options, IOptions<FilesOptions> files, ILogger<FileTree> log)
    {
        _options = options.Value;
        _opener = BeneathOpeners.Create(files);
        _log = log;
        Owner = FileOwner.ForThisProcess(_options.DevUser);
        _log.Started(_opener.GetType().Name, Owner is { } o ? $"{_options.DevUser} ({o.Uid}:{o.Gid})" : "the agent");
    }

    /// <summary>Who new entries are given to; null leaves them to the agent's user.</summary>
    public FileOwner? Owner { get; }

    public long MaxUploadBytes => _options.MaxUploadBytes;

    public FileOutcome<FileListing> List(JailedPath path)
    {
        using var root = OpenRoot(out var rootError);
        if (root is null) return Fail<FileListing>("list", path, rootError);
        var opened = _opener.Open(root, path.ForOpen, Libc.O_RDONLY | Libc.O_DIRECTORY);
        if (!opened.Ok) return Fail<FileListing>("list", path, opened.As<FileListing>());
        using var dir = opened.Value!;

        var errno = DirectoryEntries.TryRead(dir, out var names);
        if (errno != 0) return Fail<FileListing>("list", path, ErrnoErrors.Fail<FileListing>(errno));
        var entries = new List<FileEntry>(names.Count);
        foreach (var (name, _) in names)
        {
            // Stat relative to the same fd, without following: a link is reported as a link.
            if (StatX.TryGet(dir.Value, name, out var stat) != 0) continue;   // removed since the read
            entries.Add(new FileEntry(name, stat.Type, stat.Size, stat.ModifiedAt, Octal(stat.Permissions)));
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        _log.Listed(path.Relative, entries.Count);
        return new FileListing(path.Relative, entries);
    }

    /// <summary>A read-only stream over the file as it was opened (later renames or swaps do not affect it).</summary>
    public FileOutcome<FileStream> OpenRead(JailedPath path)
    {
        if (path.IsRoot) return Fail<FileStream>("read", path, FileError.IsADirectory);
        using var root = OpenRoot(out var rootError);
        if (root is null) return Fail<FileStream>("read", path, rootError);
        // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, holding the request forever.
        var opened = _opener.Open(root, path.ForOpen, Libc.O_RDONLY | Libc.O_NONBLOCK);
        if (!opened.Ok) return Fail<FileStream>("read", path, opened.As<FileStream>());
        using var fd = opened.Value!;

        var errno = StatX.TryGet(fd, out var stat);
        if (errno != 0) return Fail<FileStream>("read", path, ErrnoErrors.Fail<FileStream>(errno));
        if (stat.IsDirectory) return Fail<FileStream>("read", path, FileError.IsADirectory);
        if (!stat.IsRegular) return Fail<FileStream>("read", path, FileError.NotARegularFile);
        _log.Read(path.Relative, stat.Size);
        return new FileStream(new SafeFileHandle(fd.Release(), ownsHandle: true), FileAccess.Read, bufferSize: 0);
    }

    /// <summary>Replaces the file whole with the body; see <see cref="AtomicUpload"/>.</summary>
    public async Task<FileOutcome<FileWritten>> WriteAsync(JailedPath path, Stream body, long? declaredLength, CancellationToken cancel)
    {
        if (path.IsRoot) return Fail<FileWritten>("write", path, FileError.Root);
        if (declaredLength > _options.MaxUploadBytes) return TooLarge(path);
        using var root = OpenRoot(out var rootError);
        if (root is null) return Fail<FileWritten>("write", path, rootError);
        // Read access on the parent (not O_PATH) so the rename can be made durable with fsync.
        var opened = _opener.Open(root, path.Parent.ForOpen, Libc.O_RDONLY | Libc.O_DIRECTORY);
        if (!opened.Ok) return Fail<FileWritten>("write", path, opened.As<FileWritten>());
        using var parent = opened.Value!;

        FileOutcome<FileWritten> written;
        try
        {
            written = await AtomicUpload.WriteAsync(parent, path, body, _options.MaxUploadBytes, Owner, cancel);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client went away mid-body (the temp file is already gone). Rethrown, not returned as a
            // value: the idempotency filter would record a value as the command's result, and the
            // control plane's retry of this command must write, not replay a failure.
            _log.UploadAborted(path.Relative);
            throw;
        }
        if (written.Error == FileError.TooLarge) return TooLarge(path);
        if (!written.Ok) return Fail<FileWritten>("write", path, written);
        _log.Wrote(path.Relative, written.Value!.Size, written.Value.Sha256);
        return written;
    }

    public FileOutcome<FileEntry> CreateDirectory(JailedPath path)
    {
        if (path.IsRoot) return Fail<FileEntry>("mkdir", path, FileError.Root);
        using var root = OpenRoot(out var rootError);
        if (root is null) return Fail<FileEntry>("mkdir", path, rootError);
        var opened = _opener.Open(root, path.Parent.ForOpen, Libc.O_PATH | Libc.O_DIRECTORY);
        if (!opened.Ok) return Fail<FileEntry>("mkdir", path, opened.As<FileEntry>());
        using var parent = opened.Value!;

        if (Libc.mkdirat(parent.Value, path.Name, DirMode) != 0) return Fail<FileEntry>("mkdir", path, ErrnoErrors.Fail<FileEntry>(Errno.Last));
        // Mode and owner are set through an fd opened with O_NOFOLLOW: if the new name was swapped for a
        // link in between, the open fails instead of chmod/chown landing on the link's target.
        var fd = Libc.openat(parent.Value, path.Name, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
        if (fd < 0) return Fail<FileEntry>("mkdir", path, ErrnoErrors.Fail<FileEntry>(Errno.Last));
        using var dir = new Fd(fd);
        Libc.fchmod(dir.Value, DirMode);   // exact mode whatever the umask
        if (Owner is { } owner) Libc.fchown(dir.Value, owner.Uid, owner.Gid);
        StatX.TryGet(dir, out var stat);
        _log.CreatedDirectory(path.Relative);
        return new FileEntry(path.Name, FileEntryType.Dir, stat.Size, stat.ModifiedAt, Octal(stat.Permissions));
    }

    /// <summary>Moves an entry (a link is moved as itself); never replaces an existing target.</summary>
    public FileOutcome<FileRenamed> Rename(JailedPath from, JailedPath to)
    {
        if (from.IsRoot || to.IsRoot) return Fail<FileRenamed>("rename", from.IsRoot ? from : to, FileError.Root);
        using var root = OpenRoot(out var rootError);
        if (root is null) return Fail<FileRenamed>("rename", from, rootError);
        var source = _opener.Open(root, from.Parent.ForOpen, Libc.O_PATH | Libc.O_DIRECTORY);
        if (!source.Ok) return Fail<FileRenamed>("rename", from, source.As<FileRenamed>());
        using var sourceDir = source.Value!;
        var target = _opener.Open(root, to.Parent.ForOpen, Libc.O_PATH | Libc.O_DIRECTORY);
        if (!target.Ok) return Fail<FileRenamed>("rename", to, target.As<FileRenamed>());
        using var targetDir = target.Value!;

        // RENAME_NOREPLACE: the portal asks before overwriting; a silent replace of a directory tree is
        // not something a rename button should do.
        if (Libc.renameat2(sourceDir.Value, from.Name, targetDir.Value, to.Name, Libc.RENAME_NOREPLACE) != 0)
        {
            var errno = Errno.Last;
            var error = errno switch
            {
                Errno.EINVAL => FileError.InvalidRename,
                Errno.EXDEV => FileError.CrossDevice,   // here EXDEV means two mounts, not an escape
                _ => ErrnoErrors.Of(errno),
            };
            return Fail<FileRenamed>("rename", error == FileError.Exists ? to : from, new FileOutcome<FileRenamed>(null, error, errno));
        }
        _log.Renamed(from.Relative, to.Relative);
        return new FileRenamed(from.Relative, to.Relative);
    }

    /// <summary>Removes a file, a link (as itself), an empty directory, or with <paramref name="recursive"/> a tree.</summary>
    public FileOutcome<FileDeleted> Delete(JailedPath path, bool recursive)
    {
        if (path.IsRoot) return Fail<FileDeleted>("delete", path, FileError.Root);
        using var root = OpenRoot(out var rootError);
        if (root is null) return Fail<FileDeleted>("delete", path, rootError);
        var opened = _opener.Open(root, path.Parent.ForOpen, Libc.O_PATH | Libc.O_DIRECTORY);
        if (!opened.Ok) return Fail<FileDeleted>("delete", path, opened.As<FileDeleted>());
        using var parent = opened.Value!;

        var deleted = TreeDeleter.Delete(parent, path.Name, recursive);
        if (!deleted.Ok) return Fail<FileDeleted>("delete", path, deleted.As<FileDeleted>());
        _log.Deleted(path.Relative, deleted.Value);
        return new FileDeleted(path.Relative, deleted.Value);
    }

    /// <summary>
    /// Opens the configured root. Its parent is trusted (configured by the operator, e.g. /home/dev,
    /// which the dev user cannot replace); its last component is opened with O_NOFOLLOW because the dev
    /// user owns the parent of the workspace and could replace <c>workspace</c> with a link to <c>/</c>.
    /// </summary>
    private Fd? OpenRoot(out FileOutcome<Fd> error)
    {
        error = default;
        var rootPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(_options.FilesRoot));
        var parentPath = Path.GetDirectoryName(rootPath) ?? "/";
        var name = Path.GetFileName(rootPath);
        if (name.Length == 0) (parentPath, name) = ("/", ".");

        var parent = Libc.openat(Libc.AT_FDCWD, parentPath, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (parent < 0) { error = RootFailure(Errno.Last); return null; }
        using var parentFd = new Fd(parent);
        var root = Libc.openat(parentFd.Value, name, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
        if (root < 0)
        {
            var errno = Errno.Last;
            // O_PATH|O_DIRECTORY|O_NOFOLLOW on a link fails with ENOTDIR; look to name it.
            error = errno == Errno.ENOTDIR && StatX.TryGet(parentFd.Value, name, out var stat) == 0 && stat.IsSymlink
                ? new FileOutcome<Fd>(null, FileError.Symlink, errno)
                : RootFailure(errno);
            return null;
        }
        return new Fd(root);
    }

    private static FileOutcome<Fd> RootFailure(int errno) =>
        errno == Errno.ENOENT ? new FileOutcome<Fd>(null, FileError.NoRoot, errno) : ErrnoErrors.Fail<Fd>(errno);

    private FileOutcome<FileWritten> TooLarge(JailedPath path)
    {
        _log.TooLarge(path.Relative, _options.MaxUploadBytes);
        return FileError.TooLarge;
    }

    private FileOutcome<T> Fail<T>(string operation, JailedPath path, FileError error) => Fail(operation, path, new FileOutcome<T>(default, error));

    private FileOutcome<T> Fail<T>(string operation, JailedPath path, FileOutcome<Fd> outcome) => Fail(operation, path, outcome.As<T>());

    private FileOutcome<T> Fail<T>(string operation, JailedPath path, FileOutcome<T> outcome)
    {
        if (outcome.Error is FileError.Escapes or FileError.Symlink) _log.JailRefused(operation, path.Relative, outcome.Error);
        else _log.Failed(operation, path.Relative, outcome.Error, outcome.Errno);
        return outcome;
    }

    private static string Octal(uint permissions) => Convert.ToString(permissions, 8).PadLeft(4, '0');
}
