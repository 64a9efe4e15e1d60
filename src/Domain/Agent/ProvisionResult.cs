namespace ZeroLagHub.Domain.Agent;

/// <summary>What <c>POST /provision</c> did.</summary>
/// <param name="Outcome"><c>installed</c> when anything changed, <c>already installed</c> when everything was in place.</param>
/// <param name="Installs">The runtime first (if any), then the addons in request order.</param>
/// <param name="Notes">Things skipped on purpose, e.g. ownership left alone because the dev user does not exist.</param>
public sealed record ProvisionResult(
    string Outcome,
    IReadOnlyList<InstallResult> Installs,
    DateTimeOffset? DevReadyAt,
    IReadOnlyList<string> Notes);
