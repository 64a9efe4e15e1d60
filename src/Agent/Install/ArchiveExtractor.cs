using System.Diagnostics;
using System.IO.Compression;

namespace ZeroLagHub.Agent.Install;

/// <summary>
/// Opens a <c>.tar.gz</c> or <c>.tar.xz</c> artifact as a tar stream and hands it to <see cref="TarExtractor"/>.
/// </summary>
/// <remarks>
/// .NET has no xz decoder, so <c>xz --decompress --stdout</c> runs as a real process (argument list,
/// no shell) and its stdout is read as the tar stream. NOTE: running <c>tar -xJf</c> instead was
/// rejected: GNU tar only warns about <c>..</c> members and keeps symlinks that point outside, so
/// the two formats would get different tar-slip rules; this way one extractor checks both.
/// </remarks>
public static class ArchiveExtractor
{
    public static Task<InstallFailure?> ExtractAsync(string archive, string fileName, string root, InstallOutput output, CancellationToken ct) =>
        Task.Run(() => Extract(archive, fileName, root, output, ct), ct);

    private static InstallFailure? Extract(string archive, string fileName, string root, InstallOutput output, CancellationToken ct)
    {
        if (fileName.EndsWith(".tar.gz", StringComparison.Ordinal) || fileName.EndsWith(".tgz", StringComparison.Ordinal))
        {
            using var file = File.OpenRead(archive);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            return TarExtractor.Extract(gzip, root, output);
        }
        if (fileName.EndsWith(".tar.xz", StringComparison.Ordinal))
            return ExtractXz(archive, root, output, ct);

        var message = $"{fileName}: unknown archive format (the agent extracts .tar.gz and .tar.xz)";
        output.Add(message);
        return new InstallFailure(InstallError.Extract, message, output.Tail());
    }

    private static InstallFailure? ExtractXz(string archive, string root, InstallOutput output, CancellationToken ct)
    {
        var start = new ProcessStartInfo("xz") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["--decompress", "--stdout", "--", archive]) start.ArgumentList.Add(arg);
        Process xz;
        try { xz = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            var message = $"cannot run xz to unpack a .tar.xz: {e.Message}";
            output.Add(message);
            return new InstallFailure(InstallError.Filesystem, message, output.Tail());
        }
        using (xz)
        using (ct.Register(() => { try { xz.Kill(); } catch (InvalidOperationException) { } }))
        {
            xz.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Add("xz: " + e.Data); };
            xz.BeginErrorReadLine();
            var failure = TarExtractor.Extract(xz.StandardOutput.BaseStream, root, output);
            // A rejected archive leaves xz blocked on a full pipe: stop it rather than drain it.
            if (failure is not null && !xz.HasExited) xz.Kill();
            xz.WaitForExit();
            if (failure is null && xz.ExitCode != 0)
            {
                var message = $"xz exited with {xz.ExitCode}";
                output.Add(message);
                failure = new InstallFailure(InstallError.Extract, message, output.Tail());
            }
            return failure;
        }
    }
}
