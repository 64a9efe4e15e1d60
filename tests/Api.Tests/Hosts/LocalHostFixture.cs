using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Hosts.Local;

namespace ZeroLagHub.Api.Tests.Hosts;

/// <summary>
/// The API on real Kestrel (local agents fetch artifacts from it over loopback). Disposing it pauses the
/// agents, as a clean API shutdown does; the fixture that made the data directory then ends every process
/// of its containers and removes their OS users, since the directory goes with it.
/// </summary>
public class LocalHostFixture : KestrelApiFixture
{
    public LocalHostFixture() { }

    /// <summary>Another API over <paramref name="first"/>'s database and data directory (and so its containers).</summary>
    protected LocalHostFixture(LocalHostFixture first) : base(first) { }

    public IContainerHost Host => Services.GetRequiredService<IContainerHost>();

    protected override async Task OnStoppedAsync()
    {
        await base.OnStoppedAsync();
        var root = Path.Combine(DataDirectory, "containers");
        if (!OwnsStorage || !Directory.Exists(root)) return;
        foreach (var record in new LocalContainerStore(Options.Create(new LocalHostOptions { Root = root })).All())
        {
            if (record.Init is { } init) await init.EndAsync(TimeSpan.FromSeconds(10), default);
            if (Environment.UserName == "root") await LocalUsers.DeleteAsync(record.UserName, default);
        }
    }
}

