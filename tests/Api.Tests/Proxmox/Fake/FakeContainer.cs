namespace ZeroLagHub.Api.Tests.Proxmox.Fake;

/// <summary>An LXC in the fake: its config keys as Proxmox stores them, plus run state.</summary>
public sealed class FakeContainer(string node, int vmid, Dictionary<string, string> config)
{
    public string Node { get; } = node;
    public int Vmid { get; } = vmid;
    public Dictionary<string, string> Config { get; } = config;
    public string Status { get; set; } = "stopped";
    public HashSet<string> Snapshots { get; } = [];

    /// <summary>Its eth0 address while running; null: the server's <see cref="FakeProxmoxServer.ContainerAddress"/>.</summary>
    public string? Address { get; set; }

    public string? Lock
    {
        get => Config.GetValueOrDefault("lock");
        set { if (value is null) Config.Remove("lock"); else Config["lock"] = value; }
    }
}
