namespace ZeroLagHub.Api.Auth;

/// <summary>
/// The generated admin password kept in a file only its owner may read (<see cref="AuthOptions.AdminPasswordFile"/>),
/// for <c>zlh login --password-file</c>: created 0600 from the start, then moved into place.
/// </summary>
public static class AdminPasswordFile
{
    public static void Write(string path, string password)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the admin password file is created with Unix permissions");
        path = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}");
        using (var stream = new FileStream(temporary, new FileStreamOptions
               { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        using (var writer = new StreamWriter(stream))
            writer.WriteLine(password);
        // Overwrites a file left from an earlier database: this admin was just created, so that password no longer works.
        File.Move(temporary, path, overwrite: true);
    }
}
