using System.Security.Cryptography;
using System.Text;

namespace ZeroLagHub.Api.Auth.Refresh;

/// <summary>
/// Refresh tokens are opaque random strings (256 bits, base64url). Only their SHA-256 is stored: a copy
/// of the database does not yield usable tokens, and no salt is needed since the input is random.
/// </summary>
internal static class RefreshTokenValue
{
    /// <summary>Longer input is refused before hashing; real tokens are 43 characters.</summary>
    public const int MaxLength = 128;

    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
