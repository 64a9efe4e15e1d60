using System.Net;
using System.Security.Claims;
using ZeroLagHub.Api.Auth.Tokens;

namespace ZeroLagHub.Api.Auth;

/// <summary>
/// The authenticated caller, as a Minimal API handler parameter (<c>(CurrentUser user, …) =&gt;</c>), bound
/// from the validated access token. Roles are those at the token's issue: a grant or revocation takes
/// effect at the next refresh (at most 15 minutes).
/// </summary>
/// <param name="ClientIp">The connection's remote address; forwarded headers are not trusted.</param>
public sealed record CurrentUser(Guid Id, string Username, IReadOnlySet<string> Roles, IPAddress? ClientIp)
{
    public bool IsAdmin => Roles.Contains(Role.Admin);

    /// <summary>Admin implies auditor.</summary>
    public bool IsAuditor => IsAdmin || Roles.Contains(Role.Auditor);

    /// <summary>Whether this caller may see and act on something <paramref name="ownerId"/> owns (admins see all).</summary>
    public bool CanAccess(Guid ownerId) => IsAdmin || ownerId == Id;

    /// <summary>The caller of an authenticated request, or null when the request carries no valid access token.</summary>
    public static CurrentUser? From(HttpContext context)
    {
        var principal = context.User;
        if (principal.Identity?.IsAuthenticated != true) return null;
        if (!Guid.TryParse(principal.FindFirstValue(TokenClaims.Subject), out var id)) return null;
        return new CurrentUser(id, principal.FindFirstValue(TokenClaims.Name) ?? "",
            principal.FindAll(TokenClaims.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
            context.Connection.RemoteIpAddress);
    }

    /// <summary>
    /// The caller of a route that requires an access token (every route, unless it allows anonymous callers): a
    /// Wolverine.Http endpoint's way to the user, as it does not bind <see cref="BindAsync"/>.
    /// </summary>
    public static CurrentUser Of(HttpContext context) =>
        From(context) ?? throw new InvalidOperationException("no authenticated caller: this route must require an access token");

    /// <summary>The claims a short-lived token (IDE, console, status stream) carries so that it stands for this user.</summary>
    public Dictionary<string, object> ToTokenClaims() => new()
    {
        [TokenClaims.Name] = Username,
        [TokenClaims.Role] = Roles.ToArray(),
    };

    /// <summary>The user a validated short-lived token stands for (see <see cref="ToTokenClaims"/>): roles as at its issue.</summary>
    public static CurrentUser FromToken(Guid id, ClaimsIdentity token, IPAddress? clientIp) =>
        new(id, token.FindFirst(TokenClaims.Name)?.Value ?? "",
            token.FindAll(TokenClaims.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal), clientIp);

    /// <summary>
    /// Minimal API binding. Null (→ 400) only on an endpoint that opted out of authentication yet asks for
    /// the user: a programming error the fallback policy otherwise prevents.
    /// </summary>
    public static ValueTask<CurrentUser?> BindAsync(HttpContext context) => ValueTask.FromResult(From(context));
}
