// Provisioning facts inside the container, reported by the agent.
namespace ZeroLagHub.Domain.Containers;

public sealed record RuntimeInstallStarted(string Runtime, string Version, DateTimeOffset At) : IContainerEvent;

/// <param name="OutputTail">The installer's last lines.</param>
public sealed record RuntimeInstallSucceeded(string Runtime, string Version, IReadOnlyList<string> OutputTail, DateTimeOffset At) : IContainerEvent;

/// <param name="Error">What went wrong in one line (e.g. a checksum mismatch).</param>
public sealed record RuntimeInstallFailed(string Runtime, string Version, string Error, IReadOnlyList<string> OutputTail, DateTimeOffset At) : IContainerEvent;

public sealed record AddonInstalled(string Addon, string Version, DateTimeOffset At) : IContainerEvent;

/// <summary>Dev containers: workspace, runtime and addons in place (the agent's <c>DevReadyAt</c>).</summary>
public sealed record DevEnvironmentReady(DateTimeOffset At) : IContainerEvent;

/// <summary>Game servers: the server's files are in place under the server root.</summary>
public sealed record ServerFilesInstalled(DateTimeOffset At) : IContainerEvent;
