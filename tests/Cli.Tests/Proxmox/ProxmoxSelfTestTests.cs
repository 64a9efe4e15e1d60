using System.Diagnostics;
using ZeroLagHub.Api.Tests.Proxmox.Fake;

namespace ZeroLagHub.Cli.Tests.Proxmox;

/// <summary><c>zlh admin proxmox selftest</c> as a real process against the fake Proxmox over HTTPS.</summary>
public sealed class ProxmoxSelfTestTests : IAsyncLifetime
{
    private FakeProxmoxServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeProxmoxServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(int ExitCode, string Out, string Err)> SelfTestAsync(string? secret, params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "zlh.dll"));
        foreach (var arg in new[] { "admin", "proxmox", "selftest", "--url", _server.BaseAddress.ToString(), "--token-id", FakeProxmoxServer.TokenId }.Concat(extra))
            start.ArgumentList.Add(arg);
        start.Environment.Remove("ZLH_PROXMOX_TOKEN_SECRET");
        if (secret is not null) start.Environment["ZLH_PROXMOX_TOKEN_SECRET"] = secret;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task EveryReadOnlyCallPassesAgainstAHealthyNodeAndNothingIsChanged()
    {
        var (exit, output, error) = await SelfTestAsync(FakeProxmoxServer.TokenSecret, "--fingerprint", _server.Fingerprint);

        Assert.True(exit == 0, output + error);
        foreach (var call in new[] { "GET /version", "GET /nodes", "GET /storage", "GET /cluster/nextid", "GET /nodes/pve1/status",
                     "GET /nodes/pve1/storage", "GET /nodes/pve1/storage/local/content", "GET /nodes/pve1/lxc", "GET /nodes/pve1/lxc/9000/config" })
            Assert.Contains($"[ ok ] {call} — ", output);
        Assert.DoesNotContain("[fail]", output);
        Assert.All(_server.Requests, request => Assert.StartsWith("GET ", request));
        Assert.DoesNotContain(FakeProxmoxServer.TokenSecret, output + error);
    }

    [Fact]
    public async Task AMissingPrivilegeIsAFailLineThatNamesItAndTheRestStillRun()
    {
        _server.Denied["/nodes/pve1/status"] = ("/nodes/pve1", "Sys.Audit");

        var (exit, output, _) = await SelfTestAsync(FakeProxmoxServer.TokenSecret, "--fingerprint", _server.Fingerprint);

        Assert.Equal(1, exit);
        var fail = Assert.Single(output.Split('\n'), l => l.StartsWith("[fail]", StringComparison.Ordinal));
        Assert.Contains("GET /nodes/pve1/status", fail);
        Assert.Contains("Sys.Audit", fail);
        Assert.Contains("on /nodes/pve1", fail);
        Assert.Contains("[ ok ] GET /nodes/pve1/lxc — ", output);
    }

    [Fact]
    public async Task AnUnpinnedCertificateFailsShowingTheFingerprintItPresented()
    {
        var (exit, output, _) = await SelfTestAsync(FakeProxmoxServer.TokenSecret, "--fingerprint", string.Join(':', Enumerable.Repeat("AB", 32)));

        Assert.Equal(1, exit);
        Assert.Contains($"[fail] GET /version — The TLS certificate of {_server.BaseAddress} (SHA-256 {_server.Fingerprint}) is not pinned", output);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task ARenewedCertificatePinnedBesideTheOldOnePasses()
    {
        var (exit, output, _) = await SelfTestAsync(FakeProxmoxServer.TokenSecret,
            "--fingerprint", string.Join(':', Enumerable.Repeat("AB", 32)), "--fingerprint", _server.Fingerprint);
        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task AWrongSecretFailsWithoutPrintingIt()
    {
        _server.EchoCredentialsOnAuthFailure = true;
        var (exit, output, error) = await SelfTestAsync("not-the-secret-31337", "--fingerprint", _server.Fingerprint);
        Assert.Equal(1, exit);
        Assert.Contains("rejected the API token zlh@pve!control-plane", output);
        Assert.DoesNotContain("not-the-secret-31337", output + error);
    }

    [Fact]
    public async Task WithoutTheSecretInTheEnvironmentItSaysWhereToPutIt()
    {
        var (exit, _, error) = await SelfTestAsync(null, "--fingerprint", _server.Fingerprint);
        Assert.Equal(2, exit);
        Assert.Contains("ZLH_PROXMOX_TOKEN_SECRET", error);
        Assert.Empty(_server.Requests);
    }
}
