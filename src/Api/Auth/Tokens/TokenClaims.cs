namespace ZeroLagHub.Api.Auth.Tokens;

/// <summary>Claim names as they appear in our JWTs (short names; inbound claim mapping is off).</summary>
public static class TokenClaims
{
    public const string Subject = "sub";
    public const string TokenId = "jti";
    public const string Type = "type";
    public const string Name = "name";
    public const string Role = "role";

    /// <summary>An access token's session: the id of the refresh token family its login started (see <c>Auth/Sessions</c>).</summary>
    public const string Session = "sid";

    /// <summary>Set by <see cref="TokenService"/> itself; callers cannot pass them as extra claims.</summary>
    internal static IReadOnlySet<string> Reserved { get; } =
        new HashSet<string>([Subject, TokenId, Type, "iss", "aud", "exp", "nbf", "iat"], StringComparer.Ordinal);
}
