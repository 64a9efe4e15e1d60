using System.Text.Json;

namespace ZeroLagHub.Agent.Install;

/// <summary>
/// The completion marker inside an install directory. The marker, not the directory, says "installed":
/// a directory without one is what a crash mid-install leaves behind, and is deleted and redone.
/// It records the artifact's SHA-256 so a catalog that republishes a version is installed again.
/// </summary>
public sealed record InstallMarker(string File, string Sha256, DateTimeOffset InstalledAt)
{
    public const string FileName = ".zlh-installed";

    public static InstallMarker? Read(string dir)
    {
        var path = Path.Combine(dir, FileName);
        if (!System.IO.File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<InstallMarker>(System.IO.File.ReadAllBytes(path), JsonSerializerOptions.Web); }
        catch (JsonException) { return null; }   // torn or foreign: treat as not installed
    }

    /// <summary>Writes the marker atomically and fsyncs it: it is the install's commit point.</summary>
    public void Write(string dir)
    {
        var path = Path.Combine(dir, FileName);
        using (var file = new FileStream(path + ".tmp", FileMode.Create, FileAccess.Write))
        {
            file.Write(JsonSerializer.SerializeToUtf8Bytes(this, JsonSerializerOptions.Web));
            file.Flush(flushToDisk: true);
        }
        System.IO.File.Move(path + ".tmp", path, overwrite: true);
    }
}
