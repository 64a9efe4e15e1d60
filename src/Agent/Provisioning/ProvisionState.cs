using ZeroLagHub.Domain.Servers;

namespace ZeroLagHub.Agent.Provisioning;

/// <summary>What provisioning has achieved so far; persisted so it survives agent restarts.</summary>
/// <param name="Server">Game containers: the server spec last provisioned, which the supervisor runs.</param>
/// <param name="DevReadyAt">Set once home, workspace, runtime and addons are all in place.</param>
public sealed record ProvisionState(
    string? Runtime = null,
    string? RuntimeVersion = null,
    string? RuntimeInstallPath = null,
    IReadOnlyList<string>? Addons = null,
    DateTimeOffset? DevReadyAt = null,
    string? LastCrashClassification = null,
    ServerSpec? Server = null)
{
    public bool RuntimeInstalled => RuntimeInstallPath is not null;
}
