using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using ZeroLagHub.Api.Audit;
using ZeroLagHub.Api.Auth.Accounts;

namespace ZeroLagHub.Api.Auth;

/// <summary>
/// Account administration (admin role only):
/// <c>POST /api/admin/users/{id}/roles</c> {roles: ["auditor", …]} replaces the account's roles
/// ("user" is always kept) → 200 user; 400 unknown role; 404 no such account; 409 an admin removing
/// their own admin role (so the last admin cannot lock everyone out by accident). Takes effect at the
/// account's next login or refresh.
/// </summary>
public static class AdminUsersApi
{
    public sealed record RolesRequest(string[]? Roles);

    public static IEndpointRouteBuilder MapAdminUsersApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/admin/users").WithTags("Admin").RequireAuthorization(AuthPolicies.Admin);
        // Audited with the roles asked for, so a refused attempt shows what was tried.
        api.MapPost("/{id:guid}/roles", SetRoles).Audited(AuditTrail.Actions.SetUserRoles, c =>
            $"user {c.Route("id")}: roles [{string.Join(", ", c.Arguments.OfType<RolesRequest>().FirstOrDefault()?.Roles ?? [])}]");
        return routes;
    }

    private static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> SetRoles(
        Guid id, RolesRequest body, CurrentUser admin, NpgsqlDataSource db, CancellationToken ct)
    {
        var unknown = (body.Roles ?? []).Where(r => !Role.All.Contains(r)).Distinct(StringComparer.Ordinal).Take(5)
            .Select(r => r is null ? "null" : r.Length > 32 ? r[..32] + "…" : r).ToArray();
        if (body.Roles is null || unknown.Length > 0)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["roles"] = [$"a list of: {string.Join(", ", Role.All)}" + (unknown.Length > 0 ? $"; unknown: {string.Join(", ", unknown)}" : "")],
            });
        var roles = body.Roles.Append(Role.User).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (id == admin.Id && !roles.Contains(Role.Admin))
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Cannot remove your own admin role",
                detail: "Ask another admin to do it, so that an admin always remains.");

        return await SetUserRoles.ExecuteAsync(db, id, roles, ct) is { } user
            ? TypedResults.Ok(UserResponse.From(user))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such account", detail: $"No account has id {id}.");
    }
}
