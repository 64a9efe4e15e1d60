using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace ZeroLagHub.Api.Auth.Tokens;

/// <summary>
/// The HMAC key that signs every token: from configuration, else from a key file that is generated
/// (0600) on first run and reused afterwards. <see cref="Source"/> says which, for the start-up log;
/// the key itself is never logged, and <see cref="ToString"/> does not print it.
/// </summary>
public sealed class SigningKey
{
    public const int MinimumBytes = 32;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly byte[] _key;

    private SigningKey(byte[] key, string source)
    {
        if (key.Length < MinimumBytes)
            throw new InvalidOperationException($"the signing key from {source} has {key.Length} bytes; HS256 needs at least {MinimumBytes}");
        _key = key;
        Source = source;
    }

    /// <summary>"configuration" or the key file's path.</summary>
    public string Source { get; }

    /// <summary>True when this run generated the key file.</summary>
    public bool Created { get; private init; }

    public override string ToString() => $"signing key from {Source}";

    /// <param name="defaultDirectory">Where the key file goes when <see cref="AuthOptions.KeyFile"/> is not set.</param>
    public static SigningKey Load(AuthOptions options, string defaultDirectory)
    {
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            byte[] key;
            try { key = Convert.FromBase64String(options.SigningKey.Trim()); }
            catch (FormatException) { throw new InvalidOperationException("Auth:SigningKey is not valid base64"); }
            return new SigningKey(key, "configuration");
        }
        var path = Path.GetFullPath(string.IsNullOrWhiteSpace(options.KeyFile)
            ? Path.Combine(defaultDirectory, "auth-signing.key")
            : options.KeyFile);
        return File.Exists(path) ? ReadKeyFile(path) : CreateKeyFile(path);
    }

    internal SymmetricSecurityKey ToSecurityKey() => new(_key)
    {
        // Names the key without revealing it, so a later rotation can tell old tokens from new.
        KeyId = Convert.ToHexStringLower(SHA256.HashData(_key))[..16],
    };

    private static SigningKey ReadKeyFile(string path)
    {
        // Local containers must not be able to read it (issue 6): refuse a key others could have copied.
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOther) != 0)
            throw new InvalidOperationException($"the key file {path} is readable by others; run chmod 600 on it");
        try
        {
            return new SigningKey(Convert.FromBase64String(File.ReadAllText(path).Trim()), path);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"the key file {path} does not hold base64; delete it to generate a new key");
        }
    }

    private static SigningKey CreateKeyFile(string path)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("set Auth:SigningKey: key files are created with Unix permissions");
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var key = RandomNumberGenerator.GetBytes(MinimumBytes);
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
            return ReadKeyFile(path);
        }
        return new SigningKey(key, path) { Created = true };
    }
}
