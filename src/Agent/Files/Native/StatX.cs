using System.Buffers.Binary;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Files.Native;

/// <summary>The fields of <c>struct statx</c> the file browser (and code-server's socket check) uses, read at their fixed offsets.</summary>
internal readonly record struct StatX(uint Mode, long Size, DateTimeOffset ModifiedAt, uint Uid)
{
    private const uint STATX_BASIC_STATS = 0x7ff;
    private const uint S_IFMT = 0xF000, S_IFDIR = 0x4000, S_IFREG = 0x8000, S_IFLNK = 0xA000, S_IFSOCK = 0xC000;

    public bool IsDirectory => (Mode & S_IFMT) == S_IFDIR;
    public bool IsRegular => (Mode & S_IFMT) == S_IFREG;
    public bool IsSymlink => (Mode & S_IFMT) == S_IFLNK;
    public bool IsSocket => (Mode & S_IFMT) == S_IFSOCK;
    public uint Permissions => Mode & 0xFFF;

    public FileEntryType Type => IsDirectory ? FileEntryType.Dir : IsRegular ? FileEntryType.File
        : IsSymlink ? FileEntryType.Symlink : FileEntryType.Other;

    /// <summary>Stats <paramref name="name"/> in <paramref name="dirfd"/> without following a final link; errno on failure.</summary>
    public static int TryGet(int dirfd, string name, out StatX stat) => TryGet(dirfd, name, Libc.AT_SYMLINK_NOFOLLOW, out stat);

    /// <summary>Stats <paramref name="path"/> (absolute, or relative to the working directory) without following a final link; errno on failure.</summary>
    public static int TryGet(string path, out StatX stat) => TryGet(Libc.AT_FDCWD, path, Libc.AT_SYMLINK_NOFOLLOW, out stat);

    /// <summary>Stats the open fd itself.</summary>
    public static int TryGet(Fd fd, out StatX stat) => TryGet(fd.Value, "", Libc.AT_EMPTY_PATH | Libc.AT_SYMLINK_NOFOLLOW, out stat);

    private static int TryGet(int dirfd, string name, int flags, out StatX stat)
    {
        var buffer = new byte[256];
        if (Libc.statx(dirfd, name, flags, STATX_BASIC_STATS, buffer) != 0)
        {
            stat = default;
            return Errno.Last;
        }
        var span = buffer.AsSpan();
        // Offsets from include/uapi/linux/stat.h: stx_uid u32 @20, stx_mode u16 @28, stx_size u64 @40, stx_mtime {s64 sec, u32 nsec} @112.
        var uid = BinaryPrimitives.ReadUInt32LittleEndian(span[20..]);
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(span[28..]);
        var size = (long)BinaryPrimitives.ReadUInt64LittleEndian(span[40..]);
        var seconds = BinaryPrimitives.ReadInt64LittleEndian(span[112..]);
        var nanos = BinaryPrimitives.ReadUInt32LittleEndian(span[120..]);
        stat = new StatX(mode, size, DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanos / 100), uid);
        return 0;
    }
}
