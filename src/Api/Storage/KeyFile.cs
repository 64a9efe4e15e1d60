namespace ZeroLagHub.Api.Storage;

/// <summary>
/// A secret kept in a file outside the database, as base64 text: generated (0600) on first run and
/// reused afterwards. Every key the API holds (token signing, anchor signing) goes through here, so
/// they share one permission check and one race-safe creation.
/// </summary>
public static class KeyFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The file's key; when there is no file, <paramref name="generate"/>'s, written to it first.</summary>
    /// <returns>The key, and whether this call created the file.</returns>
    public static (byte[] Key, bool Created) ReadOrCreate(string path, Func<byte[]> generate) =>
        File.Exists(path) ? (Read(path), false) : Create(path, generate);

    /// <exception cref="InvalidOperationException">Others may read the file, or it does not hold base64.</exception>
    public static byte[] Read(string path)
    {
        // Local containers must not be able to read it (issue 6): refuse a key others could have copied.
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOther) != 0)
            throw new InvalidOperationException($"the key file {path} is readable by others; run chmod 600 on it");
        try
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"the key file {path} does not hold base64; delete it to generate a new key");
        }
    }

    private static (byte[] Key, bool Created) Create(string path, Func<byte[]> generate)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException($"cannot create {path}: key files are created with Unix permissions; configure the key instead");
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var key = generate();
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}");
        // Created 0600 from the start (never chmod after writing), then moved into place without
        // overwriting: two nodes starting together keep whichever key landed first.
        using (var stream = new FileStream(temporary, new FileStreamOptions
               { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly }))
        using (var writer = new StreamWriter(stream))
            writer.WriteLine(Convert.ToBase64String(key));
        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return (Read(path), false);
        }
        return (key, true);
    }
}
