using Microsoft.Extensions.Options;

namespace ZeroLagHub.Api.Auth.Tokens;

/// <summary>
/// Mints the API's access tokens: type <c>access</c>, the configured lifetime (15 min), name, roles and the
/// session (<c>sid</c>) they belong to, so that ending the session ends them too (<see cref="Sessions.SessionRevocations"/>).
/// </summary>
public sealed class AccessTokenIssuer(TokenService tokens, IOptions<AuthOptions> options)
{
    public IssuedToken Issue(Guid userId, string username, IEnumerable<string> roles, Guid sessionId) =>
        tokens.Issue(TokenTypes.Access, userId.ToString(), options.Value.AccessTokenLifetime, new Dictionary<string, object>
        {
            [TokenClaims.Name] = username,
            [TokenClaims.Role] = roles.ToArray(),
            [TokenClaims.Session] = sessionId.ToString(),
        });
}
