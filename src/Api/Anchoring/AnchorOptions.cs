namespace ZeroLagHub.Api.Anchoring;

/// <summary>External anchoring (section <c>Anchoring</c>).</summary>
public sealed class AnchorOptions
{
    public const string Section = "Anchoring";

    /// <summary>How often a checkpoint is written; zero turns the schedule off (on-demand anchors still work).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Where checkpoints are written; default <c>&lt;data directory&gt;/anchors</c>. Copy them off the machine.</summary>
    public string? Directory { get; set; }

    /// <summary>The ECDSA P-256 private key (PKCS#8, base64); default <c>&lt;data directory&gt;/anchor-signing.key</c>, created 0600.</summary>
    public string? KeyFile { get; set; }
}
