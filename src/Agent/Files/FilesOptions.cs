namespace ZeroLagHub.Agent.Files;

/// <summary>The <c>Files</c> configuration section (<c>ZLH_AGENT_FILES__RESOLVER</c>).</summary>
public sealed class FilesOptions
{
    /// <summary>How paths are opened beneath the root; <see cref="FileResolver.Auto"/> unless a host needs to force one.</summary>
    public FileResolver Resolver { get; set; } = FileResolver.Auto;
}
