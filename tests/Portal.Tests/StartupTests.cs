using ZeroLagHub.Api.Tests;

namespace ZeroLagHub.Portal.Tests;

/// <summary>The portal with the IDE in path mode would share its origin with code-server: refused at start-up.</summary>
public sealed class StartupTests
{
    private sealed class PathModePortal : ApiFixture
    {
        public PathModePortal() => Settings["Portal:Enabled"] = "true";
    }

    [Fact]
    public async Task ThePortalWithPathModeIdeRefusesToStartAndSaysWhy()
    {
        var api = new PathModePortal();
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => ((IAsyncLifetime)api).InitializeAsync());
            // The reason, wherever the host builder wrapped it.
            Assert.Contains("the IDE is in path mode: set Ide:HostPattern", error.ToString());
        }
        finally
        {
            await ((IAsyncLifetime)api).DisposeAsync();
        }
    }
}
