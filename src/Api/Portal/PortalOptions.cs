namespace ZeroLagHub.Api.Portal;

/// <summary>The <c>Portal</c> configuration section (environment: <c>ZLH_PORTAL__ENABLED</c>).</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>
    /// Serves the users' portal at <c>/</c> and accepts its session cookie on <c>/api</c>. Needs the IDE in host mode
    /// (<c>Ide:HostPattern</c>): see <see cref="PortalStartupCheck"/>.
    /// </summary>
    public bool Enabled { get; set; }
}
