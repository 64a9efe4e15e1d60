namespace ZeroLagHub.Api.Artifacts;

public sealed class ArtifactOptions
{
    /// <summary>Served under <c>/artifacts/</c>; its <c>_catalog.json</c> is the source of truth. Empty: <c>&lt;Data&gt;/artifacts</c>.</summary>
    public string Directory { get; set; } = "";

    /// <summary>
    /// The quick mode (tests, the quick walkthrough): small stand-ins for the runtimes and code-server are written
    /// beside the real artifacts at start and offered, marked as stand-ins. Off (the default): only real, built
    /// artifacts are offered, and stand-ins already in the catalog are hidden.
    /// </summary>
    public bool StandIns { get; set; }

    /// <summary>The builder script (<c>scripts/artifacts.sh</c>, copied beside the API). Empty: the copy beside the API's binary.</summary>
    public string Builder { get; set; } = "";
}
