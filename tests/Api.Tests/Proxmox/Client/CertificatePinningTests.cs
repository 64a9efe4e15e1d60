using ZeroLagHub.Api.Hosts.Proxmox.Client;
using ZeroLagHub.Api.Tests.Proxmox.Fake;

namespace ZeroLagHub.Api.Tests.Proxmox.Client;

/// <summary>Real TLS to the fake over loopback: only a pinned fingerprint gets through.</summary>
public sealed class CertificatePinningTests : IAsyncLifetime
{
    private FakeProxmoxServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeProxmoxServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private ProxmoxClient Client(params string[] pins) => new(new ProxmoxConnection(
        _server.BaseAddress, new ProxmoxApiToken(FakeProxmoxServer.TokenId, FakeProxmoxServer.TokenSecret), new CertificatePins(pins)));

    [Fact]
    public async Task TheServersPinnedFingerprintIsAccepted()
    {
        using var client = Client(_server.Fingerprint.ToLowerInvariant());
        Assert.Equal("8.2.4", (await client.GetVersionAsync()).Version);
    }

    [Fact]
    public async Task AnotherCertificateIsRefusedAndNamedWithoutRetrying()
    {
        using var other = TestCertificates.Create("attacker.test");
        using var client = Client(CertificatePins.Format(other));
        var error = await Assert.ThrowsAsync<ProxmoxCertificateException>(() => client.GetVersionAsync());
        Assert.Equal(_server.Fingerprint, error.PresentedFingerprint);
        Assert.Contains(_server.Fingerprint, error.Message);
        Assert.Empty(_server.Requests); // the TLS handshake failed: no request reached the server
    }

    [Fact]
    public async Task ARenewedCertificateCanBePinnedBesideTheOldOne()
    {
        using var old = TestCertificates.Create("pve1.old");
        using var client = Client(CertificatePins.Format(old), _server.Fingerprint.Replace(":", ""));
        Assert.NotEmpty(await client.GetNodesAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("AB:CD")]
    [InlineData("not a fingerprint at all, not a fingerprint at all, not a fingerprint!!")]
    public void AMalformedFingerprintIsAConfigurationError(string pin) =>
        Assert.Throws<ArgumentException>(() => new CertificatePins([pin]));

    [Fact]
    public void PinningNothingIsAConfigurationError() =>
        Assert.Contains("fingerprint", Assert.Throws<ArgumentException>(() => new CertificatePins([])).Message);

    [Fact]
    public void OpensslOutputIsAcceptedAsAPin() =>
        Assert.Equal(_server.Fingerprint, CertificatePins.Normalize("sha256 Fingerprint=" + _server.Fingerprint));
}
