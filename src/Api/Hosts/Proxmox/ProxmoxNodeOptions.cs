namespace ZeroLagHub.Api.Hosts.Proxmox;

/// <summary>One Proxmox node containers may be placed on.</summary>
public sealed class ProxmoxNodeOptions
{
    /// <summary>The node's name in Proxmox (<c>pvecm nodes</c>), which is also where its tasks run.</summary>
    public string Name { get; set; } = "";

    /// <summary>API address, e.g. <c>https://pve1.example:8006</c>. Nodes of one cluster may share it.</summary>
    public string Url { get; set; } = "";

    /// <summary><c>USER@REALM!TOKENID</c>.</summary>
    public string TokenId { get; set; } = "";

    public string TokenSecret { get; set; } = "";

    /// <summary>SHA-256 fingerprints of the API certificate; list the renewed one before the switch.</summary>
    public List<string> Fingerprints { get; set; } = [];

    /// <summary>The golden template (an LXC template with the agent and the first-boot enrollment script).</summary>
    public int TemplateVmid { get; set; }

    /// <summary>Target storage for full clones; null keeps the template's.</summary>
    public string? Storage { get; set; }

    /// <summary>Full clones survive template deletion; linked clones are faster but tie the container to the template.</summary>
    public bool FullClone { get; set; } = true;

    public string Bridge { get; set; } = "vmbr0";

    /// <summary><c>user@host</c> the privileged runner connects to (its key is restricted to the runner script).</summary>
    public string RunnerTarget { get; set; } = "";

    public string? RunnerKeyFile { get; set; }

    public string? RunnerKnownHostsFile { get; set; }
}
