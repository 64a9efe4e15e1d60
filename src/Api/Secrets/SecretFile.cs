using System.Security.Cryptography;

namespace ZeroLagHub.Api.Secrets;

/// <summary>
/// A random key kept in a file readable by the API's user alone (0600), generated on first run and
/// reused after, so tokens issued before a restart stay valid.
/// </summary>
public static class SecretFile
{
    public static byte[] LoadOrCreate(string path, int bytes = 32)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the control plane runs on Linux");
        if (File.Exists(path))
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
                throw new InvalidOperationException($"{path} is readable by other users: chmod 600 it (or delete it to make a new key)");
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = RandomNumberGenerator.GetBytes(bytes);
        var temp = path + ".tmp";
        // Created 0600 (not chmod-ed after writing), so the key is never readable by others even briefly.
        using (var file = new FileStream(temp, new FileStreamOptions
               {
                   Mode = FileMode.Create, Access = FileAccess.Write,
                   UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
               }))
        using (var writer = new StreamWriter(file))
            writer.Write(Convert.ToBase64String(key));
        File.Move(temp, path, overwrite: false);
        return key;
    }
}
