using Microsoft.AspNetCore.Authorization;
using ZeroLagHub.Api.Portal.Session;

namespace ZeroLagHub.Api.Auth;

/// <summary>
/// Named policies for <c>RequireAuthorization(AuthPolicies.Admin)</c>. Endpoints that name none still need
/// a valid access token (or, with the portal on, its session cookie): that is the fallback policy (<see cref="RequireAccessToken"/>).
/// </summary>
public static class AuthPolicies
{
    public const string Admin = "admin";

    /// <summary>Auditors and admins (admin implies auditor).</summary>
    public const string Auditor = "auditor";

    public static AuthorizationPolicy RequireAccessToken { get; } =
        new AuthorizationPolicyBuilder(ApiAuthentication.SchemeName).RequireAuthenticatedUser().Build();

    internal static void AddTo(AuthorizationBuilder builder) => builder
        .SetFallbackPolicy(RequireAccessToken)
        .AddPolicy(Admin, p => p.Combine(RequireAccessToken).RequireRole(Role.Admin))
        .AddPolicy(Auditor, p => p.Combine(RequireAccessToken).RequireRole(Role.Auditor, Role.Admin));
}
