using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace ZeroLagHub.Agent.Tests.Install;

/// <summary>
/// Builds real tar archives for the tests, including hostile ones (<c>../</c> names, symlinks out)
/// that the tar CLI would refuse to create. <c>.tar.xz</c> goes through the real <c>xz</c>.
/// </summary>
public sealed class TestArchive
{
    private const UnixFileMode Regular = (UnixFileMode)0x1A4;     // 0644
    public const UnixFileMode Executable = (UnixFileMode)0x1ED;   // 0755
    private readonly List<TarEntry> _entries = [];

    public TestArchive File(string name, string content, UnixFileMode mode = Regular)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = mode, DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)) };
        _entries.Add(entry);
        return this;
    }

    public TestArchive Directory(string name)
    {
        _entries.Add(new PaxTarEntry(TarEntryType.Directory, name) { Mode = Executable });
        return this;
    }

    public TestArchive Symlink(string name, string target)
    {
        _entries.Add(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, Mode = Executable });
        return this;
    }

    public byte[] Tar()
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
            foreach (var entry in _entries)
            {
                entry.DataStream?.Seek(0, SeekOrigin.Begin);
                writer.WriteEntry(entry);
            }
        return buffer.ToArray();
    }

    public byte[] TarGz()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(Tar());
        return buffer.ToArray();
    }

    public byte[] TarXz()
    {
        var start = new ProcessStartInfo("xz") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in (string[])["--compress", "--stdout", "-0"]) start.ArgumentList.Add(arg);
        using var xz = Process.Start(start)!;
        var tar = Tar();
        var writing = Task.Run(() => { xz.StandardInput.BaseStream.Write(tar); xz.StandardInput.Close(); });
        using var output = new MemoryStream();
        xz.StandardOutput.BaseStream.CopyTo(output);
        writing.Wait();
        xz.WaitForExit();
        Assert.Equal(0, xz.ExitCode);
        return output.ToArray();
    }
}
