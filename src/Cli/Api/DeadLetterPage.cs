namespace ZeroLagHub.Cli.Api;

/// <summary>Dead letters, oldest failure first (<c>GET /api/admin/deadletters</c>); <paramref name="Next"/> is the next page's <c>after</c>.</summary>
public sealed record DeadLetterPage(IReadOnlyList<DeadLetter> Items, string? Next);

/// <summary>A message the queue gave up on.</summary>
/// <param name="Data">The payload as enqueued (JSON text).</param>
/// <param name="Error">Why the last delivery failed.</param>
public sealed record DeadLetter(Guid Id, string Type, int SchemaVersion, string Data, DateTimeOffset EnqueuedAt, int Attempts, string Error,
    DateTimeOffset FailedAt, string? IdempotencyKey);
