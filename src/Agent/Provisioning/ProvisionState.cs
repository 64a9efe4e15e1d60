namespace ZeroLagHub.Agent.Provisioning;

/// <summary>What provisioning has achieved so far; persisted so it survives agent restarts.</summary>
/// <param name="DevReadyAt">Set once home, workspace, runtime and addons are all in place.</param>
public sealed record ProvisionState(
    string? Runtime = null,
    string? RuntimeVersion = null,
    string? RuntimeInstallPath = null,
    IReadOnlyList<string>? Addons = null,
    DateTimeOffset? DevReadyAt = null,
    string? LastCrashClassification = null)
{
    public bool RuntimeInstalled => RuntimeInstallPath is not null;
}
