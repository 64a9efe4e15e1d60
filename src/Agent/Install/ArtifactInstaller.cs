using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Install;

/// <summary>
/// Installs one catalog artifact into one directory, idempotently and crash-safely.
/// </summary>
/// <remarks>
/// Steps (marked <c>:: Step N</c> below):
/// 0. a completion marker with the artifact's SHA-256 → already installed, nothing to do;
/// 1. leftovers of an interrupted attempt beside the target (downloads, stages) are deleted;
/// 2. download beside the target, size-checked and SHA-256-verified (mismatch → nothing installed);
/// 3. extract into a stage directory beside the target (same filesystem, so step 5 is a rename);
/// 4. a single top-level folder, as release tarballs have (<c>node-v24.1.0-linux-x64/</c>), is stripped;
///    then every symlink is checked to resolve inside what will be installed;
/// 5. a target without (a matching) marker is a broken or outdated attempt: moved aside, the stage
///    renamed in, the old one deleted;
/// 6. the marker is written. It, not the directory, is the commit point: a crash between 5 and 6
///    leaves a directory without a marker, which the next attempt cleans in step 5.
/// NOTE: a guard that skips when the directory exists was rejected: it freezes a half-finished install.
/// </remarks>
public sealed class ArtifactInstaller(ArtifactClient client, TimeProvider clock)
{
    public static bool IsInstalled(string target, CatalogArtifact artifact) =>
        InstallMarker.Read(target)?.Sha256.Equals(artifact.Sha256, StringComparison.OrdinalIgnoreCase) == true;

    public async Task<(InstallResult? Result, InstallFailure? Failure)> InstallAsync(
        string name, string version, CatalogArtifact artifact, string target, InstallOutput output, CancellationToken ct)
    {
        target = Path.GetFullPath(target);
        // :: Step 0
        if (IsInstalled(target, artifact))
            return (new InstallResult(name, version, InstallResult.AlreadyInstalled, target, artifact.Sha256), null);

        var parent = Path.GetDirectoryName(target)!;
        var leaf = Path.GetFileName(target);
        var id = Guid.NewGuid().ToString("N");
        var download = Path.Combine(parent, $".{leaf}.zlh-download-{id}");
        var stage = Path.Combine(parent, $".{leaf}.zlh-stage-{id}");
        var old = Path.Combine(parent, $".{leaf}.zlh-old-{id}");
        try
        {
            // :: Step 1
            Directory.CreateDirectory(parent);
            foreach (var leftover in Directory.EnumerateFileSystemEntries(parent, $".{leaf}.zlh-*"))
            {
                output.Add($"removing leftover of an interrupted install: {Path.GetFileName(leftover)}");
                Delete(leftover);
            }

            // :: Step 2
            if (await client.DownloadAsync(artifact, download, output, ct) is { } downloadFailure) return (null, downloadFailure);

            // :: Step 3
            Directory.CreateDirectory(stage);
            if (await ArchiveExtractor.ExtractAsync(download, artifact.File, stage, output, ct) is { } extractFailure) return (null, extractFailure);
            File.Delete(download);

            // :: Step 4
            var content = SingleTopFolder(stage) ?? stage;
            if (SymlinkContainment.FindEscape(content) is { } escape)
            {
                var message = $"archive rejected: symlink {escape} leads outside the install directory";
                output.Add(message);
                return (null, new InstallFailure(InstallError.UnsafeArchive, message, output.Tail()));
            }

            // :: Step 5
            if (Directory.Exists(target) || File.Exists(target))
            {
                output.Add($"replacing {target}: no completion marker (an interrupted install) or another artifact");
                Directory.Move(target, old);
            }
            Directory.Move(content, target);
            output.Add($"installed into {target}");

            // :: Step 6
            new InstallMarker(artifact.File, artifact.Sha256.ToLowerInvariant(), clock.GetUtcNow()).Write(target);
            return (new InstallResult(name, version, InstallResult.Installed, target, artifact.Sha256.ToLowerInvariant()), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            output.Add($"install failed: {e.Message}");
            return (null, new InstallFailure(InstallError.Filesystem, $"installing {name} {version} failed: {e.Message}", output.Tail()));
        }
        finally
        {
            foreach (var path in (string[])[download, stage, old]) Delete(path);
        }
    }

    /// <summary>The stage's only entry, when it is a real directory; release tarballs wrap everything in one.</summary>
    private static string? SingleTopFolder(string stage)
    {
        var entries = new DirectoryInfo(stage).GetFileSystemInfos();
        return entries is [DirectoryInfo only] && only.LinkTarget is null ? only.FullName : null;
    }

    /// <summary>Deletes a file, a symlink (never its target) or a directory tree; missing is fine.</summary>
    private static void Delete(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null || File.Exists(path)) info.Delete();
            else if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException) { }
        catch (FileNotFoundException) { }
    }
}
