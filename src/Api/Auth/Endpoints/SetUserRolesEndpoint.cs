using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;
using ZeroLagHub.Api.Audit;
using ZeroLagHub.Api.Auth.Accounts;
using ZeroLagHub.Api.Http;

namespace ZeroLagHub.Api.Auth.Endpoints;

/// <summary>
/// <c>POST /api/admin/users/{id}/roles</c> {roles: ["auditor", …]} (admin role only) replaces the account's roles
/// ("user" is always kept) → 200 user; 400 unknown role; 404 no such account; 409 an admin removing their own admin
/// role (so the last admin cannot lock everyone out by accident). Takes effect at the account's next login or
/// refresh. Audited with the roles asked for, so a refused attempt shows what was tried.
/// </summary>
public static class SetUserRolesEndpoint
{
    public sealed record RolesRequest(string[]? Roles);

    public static void Configure(HttpChain chain) => chain.Metadata.Accepts<RolesRequest>("application/json");

    [WolverinePost("/api/admin/users/{id:guid}/roles"), Tags("Admin"), Authorize(Policy = AuthPolicies.Admin)]
    [ProducesProblem(404), ProducesProblem(409)]
    public static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> Post(Guid id, HttpContext context,
        NpgsqlDataSource db, CancellationToken ct)
    {
        var body = await JsonRequestBody.ReadRequiredAsync<RolesRequest>(context);
        return await AuditedEndpoints.RecordAsync(context, AuditTrail.Actions.SetUserRoles,
            $"user {id}: roles [{string.Join(", ", body.Roles ?? [])}]", await SetAsync(id, body, CurrentUser.Of(context), db, ct));
    }

    private static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> SetAsync(
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
