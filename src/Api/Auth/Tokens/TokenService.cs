using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ZeroLagHub.Api.Auth.Tokens;

/// <summary>
/// Mints and validates the API's signed tokens (JWT, HS256). Every token carries <c>sub</c>, <c>jti</c>,
/// <c>iat</c>/<c>nbf</c>/<c>exp</c> from the injected clock and a <c>type</c> claim; validation accepts
/// exactly one type, so an IDE or console token is never an API token and the reverse.
/// </summary>
/// <remarks>
/// Single use (IDE, console, SSE tokens) is the consumer's job, on top of <see cref="ValidateAsync"/>:
/// record <see cref="TokenCheck.TokenId"/> with the token's expiry in a table whose primary key is the
/// jti (<c>INSERT … ON CONFLICT DO NOTHING</c>); zero rows inserted means the token was used before →
/// 401. Rows can be deleted once expired, since an expired token fails validation anyway.
/// </remarks>
public sealed class TokenService
{
    /// <summary>Tolerated disagreement between our clock and the clock of whoever checks <c>exp</c>/<c>nbf</c>.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials _credentials;
    private readonly TokenValidationParameters _validation;
    private readonly AuthOptions _options;
    private readonly TimeProvider _clock;

    public TokenService(SigningKey key, IOptions<AuthOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
        var securityKey = key.ToSecurityKey();
        _credentials = new SigningCredentials(securityKey, SecurityAlgorithms.HmacSha256);
        _validation = new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidAudience = _options.Audience,
            IssuerSigningKey = securityKey,
            // Pinned: the header's alg is attacker-controlled.
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = ClockSkew,
            // Our clock, not DateTime.UtcNow, so expiry is testable (TokenValidationParameters has no public TimeProvider).
            LifetimeValidator = (notBefore, expires, _, _) => IsWithinLifetime(notBefore, expires),
            NameClaimType = TokenClaims.Name,
            RoleClaimType = TokenClaims.Role,
        };
    }

    /// <param name="type">One of <see cref="TokenTypes"/>.</param>
    /// <param name="subject">The user id (<c>sub</c>).</param>
    /// <param name="claims">Extra claims; a <c>string[]</c> becomes a JSON array. Reserved names throw.</param>
    public IssuedToken Issue(string type, string subject, TimeSpan lifetime, IReadOnlyDictionary<string, object>? claims = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);

        var payload = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in claims ?? new Dictionary<string, object>())
        {
            if (TokenClaims.Reserved.Contains(name)) throw new ArgumentException($"claim '{name}' is set by TokenService", nameof(claims));
            payload[name] = value;
        }
        var id = Guid.NewGuid().ToString("N");
        payload[TokenClaims.Subject] = subject;
        payload[TokenClaims.TokenId] = id;
        payload[TokenClaims.Type] = type;

        // JWT times are whole seconds; truncate so the reported expiry is the one in the token.
        var now = DateTimeOffset.FromUnixTimeSeconds(_clock.GetUtcNow().ToUnixTimeSeconds());
        var expires = now + lifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = payload,
            SigningCredentials = _credentials,
        });
        return new IssuedToken(token, id, expires);
    }

    private bool IsWithinLifetime(DateTime? notBefore, DateTime? expires)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        return expires is { } e && now < e + ClockSkew && (notBefore is not { } n || now >= n - ClockSkew);
    }

    /// <summary>Checks signature, issuer, audience, lifetime (± <see cref="ClockSkew"/>) and that <c>type</c> is <paramref name="type"/>.</summary>
    public async Task<TokenCheck> ValidateAsync(string token, string type)
    {
        if (string.IsNullOrWhiteSpace(token)) return TokenCheck.Invalid("empty token");
        var result = await _handler.ValidateTokenAsync(token, _validation);
        if (!result.IsValid)
            // The exception's type names the reason; its message may quote token parts, so it stays out.
            return TokenCheck.Invalid(result.Exception?.GetType().Name ?? "invalid token");
        var actual = result.ClaimsIdentity.FindFirst(TokenClaims.Type)?.Value;
        if (!string.Equals(actual, type, StringComparison.Ordinal))
            return TokenCheck.Invalid($"token type '{actual}' where '{type}' is required");
        if (string.IsNullOrEmpty(result.ClaimsIdentity.FindFirst(TokenClaims.Subject)?.Value))
            return TokenCheck.Invalid("token without subject");
        return TokenCheck.Valid(result.ClaimsIdentity);
    }
}
