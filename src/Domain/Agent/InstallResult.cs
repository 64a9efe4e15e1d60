namespace ZeroLagHub.Domain.Agent;

/// <summary>One artifact in place.</summary>
/// <param name="Name">The runtime (<c>node</c>, <c>java</c>…) or addon (<c>code-server</c>).</param>
/// <param name="Outcome"><c>installed</c> (this call extracted it) or <c>already installed</c> (its completion marker matched).</param>
/// <param name="Path">Where it lives, e.g. <c>/opt/zlh/runtimes/java/21</c>.</param>
public sealed record InstallResult(string Name, string Version, string Outcome, string Path, string Sha256)
{
    public const string Installed = "installed";
    public const string AlreadyInstalled = "already installed";
}
