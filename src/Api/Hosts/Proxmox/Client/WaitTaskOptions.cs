namespace ZeroLagHub.Api.Hosts.Proxmox.Client;

/// <summary>How <see cref="ProxmoxClient.WaitTaskAsync"/> polls: at once, then <see cref="FirstDelay"/> growing by half each poll up to <see cref="MaxDelay"/>.</summary>
public sealed record WaitTaskOptions
{
    public static WaitTaskOptions Default { get; } = new();

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many of the task log's last lines a failure carries.</summary>
    public int LogTailLines { get; init; } = 20;
}
