using Microsoft.Extensions.Options;

namespace ZeroLagHub.Api.Auth.Tokens;

/// <summary>Mints the API's access tokens: type <c>access</c>, the configured lifetime (15 min), name and roles.</summary>
public sealed class AccessTokenIssuer(TokenService tokens, IOptions<AuthOptions> options)
{
    public IssuedToken Issue(Guid userId, string username, IEnumerable<string> roles) =>
        tokens.Issue(TokenTypes.Access, userId.ToString(), options.Value.AccessTokenLifetime, new Dictionary<string, object>
        {
            [TokenClaims.Name] = username,
            [TokenClaims.Role] = roles.ToArray(),
        });
}
