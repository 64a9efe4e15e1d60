using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using ZeroLagHub.Api.Audit;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Http;
using ZeroLagHub.Api.Operations.DeadLetters;

namespace ZeroLagHub.Api.Operations.Endpoints;

/// <summary><c>POST /api/admin/deadletters/{id}/replay</c> (admin): the message is sent again under the same id; 202; 404. Audited.</summary>
public static class ReplayDeadLetterEndpoint
{
    [WolverinePost("/api/admin/deadletters/{id:guid}/replay"), Tags("Operations"), Authorize(Policy = AuthPolicies.Admin)]
    [ProducesResponseType(StatusCodes.Status202Accepted), ProducesProblem(404)]
    public static async Task<IResult> Post(Guid id, HttpContext context, DeadLetterStore deadLetters, CancellationToken ct) =>
        await AuditedEndpoints.RecordAsync(context, AuditTrail.Actions.ReplayDeadLetter, $"dead letter {id}",
            await deadLetters.ReplayAsync(id, ct) ? TypedResults.Accepted((string?)null, new { id, replayed = true }) : DeadLetterProblems.NoDeadLetter(id));
}

/// <summary><c>DELETE /api/admin/deadletters/{id}</c> (admin): discarded; 204; 404. Audited.</summary>
public static class DiscardDeadLetterEndpoint
{
    [WolverineDelete("/api/admin/deadletters/{id:guid}"), Tags("Operations"), Authorize(Policy = AuthPolicies.Admin)]
    [ProducesResponseType(StatusCodes.Status204NoContent), ProducesProblem(404)]
    public static async Task<IResult> Delete(Guid id, HttpContext context, DeadLetterStore deadLetters, CancellationToken ct) =>
        await AuditedEndpoints.RecordAsync(context, AuditTrail.Actions.DiscardDeadLetter, $"dead letter {id}",
            await deadLetters.DiscardAsync(id, ct) ? TypedResults.NoContent() : DeadLetterProblems.NoDeadLetter(id));
}

internal static class DeadLetterProblems
{
    public static IResult NoDeadLetter(Guid id) =>
        TypedResults.Problem($"no dead letter {id} (already replayed or discarded?)", statusCode: StatusCodes.Status404NotFound);
}
