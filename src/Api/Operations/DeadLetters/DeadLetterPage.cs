
namespace ZeroLagHub.Api.Operations.DeadLetters;

/// <summary>Dead letters, oldest failure first. <paramref name="Next"/> is the next page's <c>after</c>; null on the last page.</summary>
public sealed record DeadLetterPage(IReadOnlyList<DeadLetter> Items, string? Next);
