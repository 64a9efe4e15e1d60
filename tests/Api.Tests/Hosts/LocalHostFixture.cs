using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Api.Tests.Hosts;

/// <summary>
/// The API on real Kestrel (local agents fetch artifacts from it over loopback) with a data directory
/// of its own. Disposing it stops the agents, as a clean API shutdown does.
/// </summary>
public sealed class LocalHostFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public PostgresDatabase Database { get; } = new();

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("zlh-api-").FullName;

    public IContainerHost Host => Services.GetRequiredService<IContainerHost>();

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        UseKestrel(0);
        StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Postgres", Database.ConnectionString);
        builder.UseSetting("Data", DataDirectory);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await Database.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
