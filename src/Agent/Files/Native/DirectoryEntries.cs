using System.Buffers.Binary;
using System.Text;

namespace ZeroLagHub.Agent.Files.Native;

/// <summary>
/// Reads a directory's names with <c>getdents64</c> on an fd the caller already opened beneath the root.
/// </summary>
// NOTE: rejected alternatives. fdopendir/readdir would take ownership of the fd (closedir closes it)
// and hand back pointers into libc memory; listing through /proc/self/fd/N works only where /proc is
// mounted and leaves the stat of each entry to an API that may follow links. getdents64 + statx
// relative to the same fd never leaves the directory that was opened.
internal static class DirectoryEntries
{
    public const byte DT_DIR = 4;
    public const byte DT_UNKNOWN = 0;

    /// <summary>Every entry except <c>.</c> and <c>..</c> with its <c>d_type</c>; errno on failure.</summary>
    public static int TryRead(Fd dir, out List<(string Name, byte Type)> entries)
    {
        entries = [];
        var buffer = new byte[32 * 1024];
        while (true)
        {
            var read = (long)Libc.getdents64(dir.Value, buffer, (nuint)buffer.Length);
            if (read < 0) return Errno.Last;
            if (read == 0) return 0;
            // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
            for (var offset = 0; offset < read;)
            {
                var record = buffer.AsSpan(offset);
                var length = BinaryPrimitives.ReadUInt16LittleEndian(record[16..]);
                var type = record[18];
                var name = record[19..length];
                var name0 = name.IndexOf((byte)0);
                var text = Encoding.UTF8.GetString(name0 < 0 ? name : name[..name0]);
                if (text is not ("." or "..")) entries.Add((text, type));
                offset += length;
            }
        }
    }
}
