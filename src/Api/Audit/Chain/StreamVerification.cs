namespace ZeroLagHub.Api.Audit.Chain;

/// <summary>The outcome of checking one stream's hash chain.</summary>
/// <param name="EventsChecked">Events found for the stream.</param>
/// <param name="FirstBroken">The first version whose event, link or place does not match; null when intact.</param>
/// <param name="Reason">Why <paramref name="FirstBroken"/> fails, for the auditor's report.</param>
public sealed record StreamVerification(string StreamId, long EventsChecked, long? FirstBroken, string? Reason)
{
    public bool IsIntact => FirstBroken is null;
}
