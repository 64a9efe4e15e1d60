using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ZeroLagHub.Api.Tests;

/// <summary>
/// The real API host on real Kestrel (loopback, random port) instead of in memory: for what calls it from outside the
/// process (local agents fetching artifacts, enrolling Proxmox agents, the IDE's browser side over WebSockets).
/// </summary>
public class KestrelApiFixture : ApiHostFixture
{
    private readonly KestrelHost _server;

    public KestrelApiFixture() => _server = new KestrelHost(this);

    /// <summary>Another API over <paramref name="first"/>'s database and data directory: a second node, or the first one restarted.</summary>
    protected KestrelApiFixture(KestrelApiFixture first) : base(first) => _server = new KestrelHost(this);

    /// <summary>The loopback port; 0 picks a free one when the server starts.</summary>
    protected virtual int KestrelPort => 0;

    public override IServiceProvider Services => _server.Services;

    /// <summary>A client of the server over loopback, which follows redirects and keeps cookies.</summary>
    public override HttpClient CreateClient() => _server.CreateClient();

    protected override Task StartHostAsync()
    {
        // The address from configuration (ConfigureWebHost), not UseKestrel(port): with a port, WebApplicationFactory
        // rewrites the server's addresses after building the host, racing Program's app.Run().
        _server.UseKestrel();
        _server.StartServer();
        return Task.CompletedTask;
    }

    protected override ValueTask StopHostAsync() => _server.DisposeAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting(WebHostDefaults.ServerUrlsKey, $"http://127.0.0.1:{KestrelPort}");
        base.ConfigureWebHost(builder);
    }

    private sealed class KestrelHost(KestrelApiFixture fixture) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => fixture.ConfigureWebHost(builder);
    }
}
