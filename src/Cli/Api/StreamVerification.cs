namespace ZeroLagHub.Cli.Api;

/// <summary>One stream's hash chain checked (<c>GET /api/audit/containers/{id}/verify</c>).</summary>
/// <param name="FirstBroken">The first version whose hash, link or place does not match; null when intact.</param>
public sealed record StreamVerification(string StreamId, long EventsChecked, long? FirstBroken, string? Reason)
{
    public bool IsIntact => FirstBroken is null;
}
