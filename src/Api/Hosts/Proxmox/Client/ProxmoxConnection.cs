namespace ZeroLagHub.Api.Hosts.Proxmox.Client;

/// <summary>How to reach one Proxmox API endpoint (a node or a cluster's address).</summary>
/// <param name="BaseAddress">e.g. https://pve1.example:8006 (the client appends /api2/json/).</param>
public sealed record ProxmoxConnection(Uri BaseAddress, ProxmoxApiToken Token, CertificatePins Pins)
{
    /// <summary>Per-request timeout; a task is awaited with <see cref="ProxmoxClient.WaitTaskAsync"/>, not by a long request.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts for an idempotent read that meets a 5xx or a network error; mutations are tried once.</summary>
    public int ReadAttempts { get; init; } = 3;

    /// <summary>Delay before the first retry of a read; doubled per retry.</summary>
    public TimeSpan ReadRetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);
}
