namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>The embedded container host: each container is a directory whose agent runs as a local process.</summary>
public sealed class LocalHostOptions
{
    /// <summary>Holds one directory per container. Empty: <c>&lt;Data&gt;/containers</c>.</summary>
    public string Root { get; set; } = "";

    /// <summary>The agent's <c>ZeroLagHub.Agent.dll</c>. Empty: found next to the API or in the repository's build output.</summary>
    public string AgentPath { get; set; } = "";

    /// <summary>Local vmids count up from here; they are attributes for people, never identities.</summary>
    public int FirstVmid { get; set; } = 1000;

    /// <summary>
    /// <c>auto</c> (bubblewrap when installed and running as root), <c>bubblewrap</c> (refuse to start
    /// without it) or <c>none</c>. Without a sandbox and a user of its own, a container can read
    /// whatever the API's user can: the local host is then for a single trusted user.
    /// </summary>
    public string Sandbox { get; set; } = "auto";

    /// <summary>
    /// Containers' OS users get UIDs from here up (the first free one that no process holds either): above the
    /// ranges distributions and systemd hand out, and below 2^31, which some tools take for a signed number.
    /// </summary>
    public int FirstUid { get; set; } = 1_900_000_000;

    /// <summary>How long a started agent has to answer <c>/health</c>.</summary>
    public TimeSpan AgentStartTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
