namespace ZeroLagHub.Api.Hosts.Proxmox;

/// <summary>
/// <c>Hosts:Proxmox</c>: the nodes containers may be placed on and how they are built. Secrets
/// (<see cref="ProxmoxNodeOptions.TokenSecret"/>, <see cref="AgentTokenKey"/>) come from the environment
/// (<c>ZLH_Hosts__Proxmox__…</c>), never from a checked-in file.
/// </summary>
public sealed class ProxmoxHostOptions
{
    public List<ProxmoxNodeOptions> Nodes { get; set; } = [];

    /// <summary>The port the agent in the golden template listens on (container network).</summary>
    public int AgentPort { get; set; } = 7070;

    /// <summary>The control plane's address as containers reach it; the first-boot script posts to <c>{EnrollmentUrl}/api/agents/enroll</c>.</summary>
    public string EnrollmentUrl { get; set; } = "";

    /// <summary>Base64 of at least 32 random bytes; agent tokens are HMACs under it.</summary>
    public string AgentTokenKey { get; set; } = "";

    public TimeSpan EnrollmentTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a new container has to get an address and answer <c>/health</c>.</summary>
    public TimeSpan AgentHealthTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Clean shutdown time before a stop turns into a hard stop.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one Proxmox task (clone, start…) may run.</summary>
    public TimeSpan TaskTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The ssh binary the privileged runner uses.</summary>
    public string SshPath { get; set; } = "ssh";
}
