namespace ZeroLagHub.Domain.Decisions;

/// <summary>A refused command. Nothing is appended when a decision carries one.</summary>
/// <param name="Reason">One sentence a user understands ("the container was deleted"), used as the problem's detail.</param>
/// <param name="Errors">For <see cref="RejectionKind.InvalidInput"/>: messages by JSON field path (<c>resources.cores</c>, <c>addons[1]</c>).</param>
public sealed record Rejection(RejectionKind Kind, string Reason, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static Rejection InvalidInput(string reason, IReadOnlyDictionary<string, string[]> errors) =>
        new(RejectionKind.InvalidInput, reason, errors);

    public static Rejection InvalidTransition(string reason) => new(RejectionKind.InvalidTransition, reason);

    public static Rejection NotFound(string reason) => new(RejectionKind.NotFound, reason);
}
