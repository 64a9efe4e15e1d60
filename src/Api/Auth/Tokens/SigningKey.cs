using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using ZeroLagHub.Api.Storage;

namespace ZeroLagHub.Api.Auth.Tokens;

/// <summary>
/// The HMAC key that signs every token: from configuration, else from a key file that is generated
/// (0600) on first run and reused afterwards (<see cref="KeyFile"/>). <see cref="Source"/> says which, for the start-up log;
/// the key itself is never logged, and <see cref="ToString"/> does not print it.
/// </summary>
public sealed class SigningKey
{
    public const int MinimumBytes = 32;

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
        var (fileKey, created) = KeyFile.ReadOrCreate(path, () => RandomNumberGenerator.GetBytes(MinimumBytes));
        return new SigningKey(fileKey, path) { Created = created };
    }

    internal SymmetricSecurityKey ToSecurityKey() => new(_key)
    {
        // Names the key without revealing it, so a later rotation can tell old tokens from new.
        KeyId = Convert.ToHexStringLower(SHA256.HashData(_key))[..16],
    };
}
