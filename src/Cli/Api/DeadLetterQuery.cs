namespace ZeroLagHub.Cli.Api;

/// <summary>Filters of <c>GET /api/admin/deadletters</c>; null is "any" (or, for <paramref name="After"/>, the first page).</summary>
public sealed record DeadLetterQuery(string? Type, string? After, int Limit);
