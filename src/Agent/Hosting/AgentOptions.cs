using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Hosting;

/// <summary>
/// The agent's configuration: a JSON file (<c>--config</c> or <c>ZLH_AGENT_CONFIG</c>) then
/// <c>ZLH_AGENT_*</c> environment variables. Every filesystem root is configurable, so the agent runs
/// unprivileged under a sandbox root in tests and on the local host, and as root in a real container.
/// </summary>
public sealed class AgentOptions
{
    /// <summary>The control plane's key for this container.</summary>
    public Guid ContainerId { get; set; }

    /// <summary>The host's number for it; hosts reuse them, so it is an attribute, not an identity.</summary>
    public int Vmid { get; set; }

    /// <summary>Bearer token the control plane presents. Never logged.</summary>
    public string Token { get; set; } = "";

    public ContainerKind Kind { get; set; } = ContainerKind.Dev;

    /// <summary>Runtimes and services are installed under it (<c>runtimes/</c>, <c>services/</c>).</summary>
    public string ZlhRoot { get; set; } = "/opt/zlh";

    /// <summary>The dev user's home; the workspace is its <c>workspace</c> folder.</summary>
    public string DevHome { get; set; } = "/home/dev";

    public string ServerRoot { get; set; } = "/srv/server";

    /// <summary>The agent's own state: journal, command results, provisioning state.</summary>
    public string DataDir { get; set; } = "/var/lib/zlh-agent";

    /// <summary>The non-root user dev shells and code-server run as, when the agent runs as root.</summary>
    public string DevUser { get; set; } = "dev";

    /// <summary>Base URL of the artifact server (its <c>_catalog.json</c> is the source of truth).</summary>
    public string ArtifactServer { get; set; } = "";

    /// <summary>
    /// A Unix socket that leads to the artifact server (the local host's, whose containers have no network path to the
    /// control plane): connections go there, whatever <see cref="ArtifactServer"/>'s host. Empty: over the network.
    /// </summary>
    public string ArtifactSocket { get; set; } = "";

    /// <summary>The agent's token for the artifact server, which serves nothing anonymously. Never logged.</summary>
    public string ArtifactToken { get; set; } = "";

    /// <summary>Largest file the file browser accepts.</summary>
    public long MaxUploadBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// Sockets: code-server listens on <c>&lt;RunDir&gt;/code-server/code-server.sock</c> (no TCP port: it runs with
    /// <c>--auth none</c>, and containers on the local host share the host's loopback). A Unix socket's path has at
    /// most 107 bytes, so it must be short. Empty: <c>&lt;DataDir&gt;/run</c>.
    /// </summary>
    public string RunDir { get; set; } = "";

    public string RunDirPath => RunDir.Length > 0 ? RunDir : Path.Combine(DataDir, "run");

    /// <summary>
    /// Shell file with the installed runtime's environment (RUNTIME_VERSION, ARCHIVE_PREFIX, PATH), which
    /// dev shells source (the image's <c>/etc/profile.d/zlh.sh</c> does <c>. /opt/zlh/runtimes/env.sh</c>).
    /// Empty: <c>&lt;ZlhRoot&gt;/runtimes/env.sh</c>.
    /// </summary>
    public string RuntimeEnvFile { get; set; } = "";

    public string RuntimeEnvPath => RuntimeEnvFile.Length > 0 ? RuntimeEnvFile : Path.Combine(ZlhRoot, "runtimes", "env.sh");

    public string WorkspaceRoot => Path.Combine(DevHome, "workspace");

    /// <summary>Where the file browser is jailed: the workspace for dev containers, the server root for game servers.</summary>
    public string FilesRoot => Kind == ContainerKind.Dev ? WorkspaceRoot : ServerRoot;

    public void Validate()
    {
        var missing = new List<string>();
        if (ContainerId == Guid.Empty) missing.Add("ZLH_AGENT_CONTAINERID");
        if (Token.Length < 16) missing.Add("ZLH_AGENT_TOKEN (at least 16 characters)");
        if (missing.Count > 0) throw new InvalidOperationException("agent configuration incomplete: set " + string.Join(", ", missing));
    }
}
