using Microsoft.Extensions.DependencyInjection;
using ZeroLagHub.Api.Hosts;

namespace ZeroLagHub.Api.Tests.Hosts;

/// <summary>
/// The API on real Kestrel (local agents fetch artifacts from it over loopback). Disposing it stops
/// the agents, as a clean API shutdown does.
/// </summary>
public class LocalHostFixture : ApiFixture
{
    public LocalHostFixture() { }

    /// <summary>Another API over <paramref name="first"/>'s database and data directory (and so its containers).</summary>
    protected LocalHostFixture(LocalHostFixture first) : base(first) { }

    protected override bool RealKestrel => true;

    public IContainerHost Host => Services.GetRequiredService<IContainerHost>();
}

