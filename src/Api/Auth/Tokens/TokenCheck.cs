using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;

namespace ZeroLagHub.Api.Auth.Tokens;

/// <summary>
/// The outcome of validating a token: its identity, or why it was refused. <see cref="Failure"/> is for
/// logs (never contains the token) and is not meant to be shown to the caller.
/// </summary>
public sealed record TokenCheck(ClaimsIdentity? Identity, string? Failure)
{
    [MemberNotNullWhen(true, nameof(Identity))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool IsValid => Identity is not null;

    /// <summary>The token's <c>jti</c>, for callers that enforce single use.</summary>
    public string? TokenId => Identity?.FindFirst(TokenClaims.TokenId)?.Value;

    public string? Subject => Identity?.FindFirst(TokenClaims.Subject)?.Value;

    public static TokenCheck Valid(ClaimsIdentity identity) => new(identity, null);
    public static TokenCheck Invalid(string failure) => new(null, failure);
}
