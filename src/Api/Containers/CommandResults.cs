using ZeroLagHub.Api.Idempotency;
using ZeroLagHub.Domain.Decisions;

namespace ZeroLagHub.Api.Containers;

/// <summary>One mapping from a command's outcome to HTTP: 202 with ids, or the rejection's 400 / 404 / 409 / 422 problem.</summary>
public static class CommandResults
{
    public static IResult From(CommandResult result, string location) => result.Rejection switch
    {
        null => TypedResults.Accepted(location, new CommandAccepted(result.CommandId, result.ContainerId, result.DeploymentId)),
        { Kind: RejectionKind.InvalidInput, Errors: { } errors } r when errors.ContainsKey(KeyReused.Header) => KeyReused.Problem(r.Reason),
        { Kind: RejectionKind.InvalidInput } r => TypedResults.ValidationProblem(
            r.Errors?.ToDictionary(e => e.Key, e => e.Value) ?? new Dictionary<string, string[]>(), detail: r.Reason),
        { Kind: RejectionKind.NotFound } r => TypedResults.Problem(r.Reason, statusCode: StatusCodes.Status404NotFound, title: "Not found"),
        var r => TypedResults.Problem(r.Reason, statusCode: StatusCodes.Status409Conflict, title: "Not possible now"),
    };

    /// <summary>
    /// The request's <c>Idempotency-Key</c> hashed with the user's id as the command id, so two users'
    /// keys never collide (a key is never used as an id as is: the ids a create derives from it would
    /// then be guessable across users); a new id when absent.
    /// </summary>
    public static Guid CommandId(HttpContext context, Guid userId)
    {
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length == 0) return Guid.NewGuid();
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{userId:N}:{key}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    /// <summary>Another id derived from the command id (the container and deployment a create makes), stable across repeats.</summary>
    public static Guid Derive(Guid commandId, string purpose)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{commandId:N}:{purpose}"));
        return new Guid(hash.AsSpan(0, 16));
    }
}
