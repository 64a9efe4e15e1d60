namespace ZeroLagHub.Api.Artifacts;

public sealed class ArtifactOptions
{
    /// <summary>Served under <c>/artifacts/</c>; its <c>_catalog.json</c> is the source of truth. Empty: <c>&lt;Data&gt;/artifacts</c>, filled with demo artifacts.</summary>
    public string Directory { get; set; } = "";

    /// <summary>Write the demo artifacts when the directory has no catalog yet (the embedded default).</summary>
    public bool Demo { get; set; } = true;
}
