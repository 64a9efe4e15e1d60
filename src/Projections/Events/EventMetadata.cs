namespace ZeroLagHub.Projections.Events;

/// <summary>Who caused an append and why; stored with every event of the batch.</summary>
/// <param name="User">The authenticated user (or service) that issued the command.</param>
/// <param name="CorrelationId">Shared by everything one user request caused.</param>
/// <param name="CausationId">The command or message that directly caused these events.</param>
/// <param name="ClientIp">The caller's address as the API saw it.</param>
public sealed record EventMetadata(
    string? User = null,
    string? CorrelationId = null,
    string? CausationId = null,
    string? ClientIp = null)
{
    public static EventMetadata None { get; } = new();
}
