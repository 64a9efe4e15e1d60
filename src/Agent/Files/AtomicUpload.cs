using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using ZeroLagHub.Agent.Files.Native;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Files;

/// <summary>
/// Replaces a file whole, so a reader (the IDE, the game server) sees the old bytes or the new ones,
/// never a half-written file: write a temp file in the same directory, fsync it, rename it over the
/// name, fsync the directory.
/// </summary>
/// <remarks>
/// Steps, all relative to the parent fd opened beneath the root:
/// 0. Look at what the name is now (no follow): a directory, link or device is refused; a file's
///    permission bits are kept (an editor saving a script must not drop its +x).
/// 1. Create <c>.zlh-upload-&lt;random&gt;</c> with O_CREAT|O_EXCL|O_NOFOLLOW, so a planted name or link is never opened.
/// 2. Set mode and owner through the fd (not the name, which could be swapped).
/// 3. Copy the body, hashing and counting; past the limit → delete the temp file, TooLarge.
/// 4. fsync, rename over the name, fsync the directory. Should the name have been swapped for a link
///    since step 0, rename replaces the link itself; nothing outside is touched.
/// Any failure after step 1 removes the temp file.
/// </remarks>
internal static class AtomicUpload
{
    private const uint NewFileMode = 0x1A4;   // 0644

    public static async Task<FileOutcome<FileWritten>> WriteAsync(Fd parent, JailedPath path, Stream body, long max,
        FileOwner? owner, CancellationToken cancel)
    {
        // :: Step 0
        var mode = NewFileMode;
        var errno = StatX.TryGet(parent.Value, path.Name, out var existing);
        if (errno == 0)
        {
            if (existing.IsDirectory) return FileError.IsADirectory;
            if (existing.IsSymlink) return FileError.Symlink;
            if (!existing.IsRegular) return FileError.NotARegularFile;
            mode = existing.Permissions & 0x1FF;   // rwx bits only: never carry setuid/setgid into a file root wrote
        }
        else if (errno != Errno.ENOENT) return ErrnoErrors.Fail<FileWritten>(errno);

        // :: Step 1
        var temp = ".zlh-upload-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var fd = Libc.openat(parent.Value, temp, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0x180);
        if (fd < 0) return ErrnoErrors.Fail<FileWritten>(Errno.Last);

        var renamed = false;
        try
        {
            using var file = new Fd(fd);
            // :: Step 2 (chown first: it would clear mode bits set before it)
            if (owner is { } o && Libc.fchown(file.Value, o.Uid, o.Gid) != 0) return ErrnoErrors.Fail<FileWritten>(Errno.Last);
            if (Libc.fchmod(file.Value, mode) != 0) return ErrnoErrors.Fail<FileWritten>(Errno.Last);

            // :: Step 3
            long size;
            string sha256;
            await using (var output = new FileStream(new SafeFileHandle(file.Release(), ownsHandle: true), FileAccess.Write, bufferSize: 0))
            {
                var copied = await CopyAsync(body, output, max, cancel);
                if (!copied.Ok) return copied.As<FileWritten>();
                (size, sha256) = copied.Value;
                // :: Step 4
                output.Flush(flushToDisk: true);
            }
            if (Libc.renameat2(parent.Value, temp, parent.Value, path.Name, 0) != 0) return ErrnoErrors.Fail<FileWritten>(Errno.Last);
            renamed = true;
            Libc.fsync(parent.Value);
            return new FileWritten(path.Relative, size, sha256);
        }
        finally
        {
            if (!renamed) Libc.unlinkat(parent.Value, temp, 0);
        }
    }

    private static async Task<FileOutcome<(long Size, string Sha256)>> CopyAsync(Stream body, FileStream output, long max, CancellationToken cancel)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, cancel)) > 0)
            {
                total += read;
                // Counted as it arrives: a chunked body declares no length, so this is the check that holds.
                if (total > max) return FileError.TooLarge;
                hash.AppendData(buffer, 0, read);
                try
                {
                    await output.WriteAsync(buffer.AsMemory(0, read), cancel);
                }
                catch (IOException e)
                {
                    // .NET keeps the errno as HResult for the errors it has no exception type for (ENOSPC, EDQUOT).
                    return ErrnoErrors.Fail<(long, string)>(e.HResult);
                }
            }
            return (total, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
