using System.Security.Cryptography;
using System.Text;

namespace ZeroLagHub.Api.Artifacts;

/// <summary>
/// An agent's credential for the artifact server: <c>&lt;container id&gt;.&lt;HMAC&gt;</c>. Stateless, so every
/// API node accepts it, and scoped: it opens <c>/artifacts/</c> and nothing else (artifacts are not
/// secrets, so it does not expire; rotating the key revokes every one).
/// </summary>
public sealed class ArtifactTokens(byte[] key)
{
    public string Issue(Guid containerId) => $"{containerId:N}.{Mac(containerId)}";

    /// <summary>The container the token was issued to, or null when it is not one of ours.</summary>
    public Guid? Validate(string token)
    {
        var dot = token.IndexOf('.');
        if (dot <= 0 || !Guid.TryParseExact(token[..dot], "N", out var id)) return null;
        var expected = Encoding.ASCII.GetBytes(Mac(id));
        var actual = Encoding.ASCII.GetBytes(token[(dot + 1)..]);
        return CryptographicOperations.FixedTimeEquals(expected, actual) ? id : null;
    }

    private string Mac(Guid containerId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes("zlh-artifacts:" + containerId.ToString("N"))));
}
