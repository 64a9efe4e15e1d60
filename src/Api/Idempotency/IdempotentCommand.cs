namespace ZeroLagHub.Api.Idempotency;

/// <summary>
/// Endpoint metadata: this endpoint's <c>Idempotency-Key</c> is bound to the first request sent with it
/// (<see cref="IdempotencyKeyCheck"/>).
/// </summary>
/// <param name="Name">The command's name in the audit log (<c>create_container</c>), for a refused reuse of a key.</param>
public sealed record IdempotentCommand(Func<HttpContext, string> Name);
