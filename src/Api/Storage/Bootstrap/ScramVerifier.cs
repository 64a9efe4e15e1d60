using System.Security.Cryptography;
using System.Text;

namespace ZeroLagHub.Api.Storage.Bootstrap;

/// <summary>
/// The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802/7677, the <c>pg_authid.rolpassword</c>
/// format), computed here as psql's <c>\password</c> does, so that CREATE/ALTER ROLE never carries the password
/// itself: a failing statement is written to the server's log with its text.
/// </summary>
/// <remarks>
/// PostgreSQL SASLprep-normalises non-ASCII passwords before hashing; this does not, so it accepts only printable
/// ASCII (services.sh's are hex).
/// </remarks>
internal static class ScramVerifier
{
    private const int Iterations = 4096; // PostgreSQL's default scram_iterations

    public static string Compute(string password)
    {
        if (password.Any(c => c is < ' ' or > '~'))
            throw new ArgumentException("the API's password must be printable ASCII (PostgreSQL would SASLprep anything else)");
        var salt = RandomNumberGenerator.GetBytes(16);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        var storedKey = SHA256.HashData(HMACSHA256.HashData(salted, "Client Key"u8));
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }
}
