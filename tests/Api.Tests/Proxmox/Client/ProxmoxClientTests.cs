using ZeroLagHub.Api.Hosts.Proxmox.Client;
using ZeroLagHub.Api.Tests.Proxmox.Fake;

namespace ZeroLagHub.Api.Tests.Proxmox.Client;

/// <summary>The typed client against the fake Proxmox over real HTTPS.</summary>
public sealed class ProxmoxClientTests : IAsyncLifetime
{
    private FakeProxmoxServer _server = null!;
    private ProxmoxClient _client = null!;
    private readonly CapturingLogger<ProxmoxClient> _log = new();
    private const string Node = FakeProxmoxServer.Node;

    public async Task InitializeAsync()
    {
        _server = await FakeProxmoxServer.StartAsync();
        _client = Create(FakeProxmoxServer.TokenSecret);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private ProxmoxClient Create(string secret, TimeProvider? time = null) => new(
        new ProxmoxConnection(_server.BaseAddress, new ProxmoxApiToken(FakeProxmoxServer.TokenId, secret), new CertificatePins([_server.Fingerprint]))
        {
            ReadRetryDelay = TimeSpan.FromMilliseconds(10),
        },
        _log, time);

    [Fact]
    public async Task ReadsAcceptTheShapesRealProxmoxSends()
    {
        Assert.Equal("8.2", (await _client.GetVersionAsync()).Release);

        var node = Assert.Single(await _client.GetNodesAsync());
        Assert.True(node.IsOnline);
        Assert.InRange(node.Cpu, 0, 1);

        var status = await _client.GetNodeStatusAsync(Node);
        Assert.Equal(["0.12", "0.08", "0.01"], status.LoadAvg);
        Assert.Equal(34_359_738_368L, status.Memory!.Total);
        Assert.Equal(85_000_000_000L, status.RootFs!.Avail);
        Assert.Equal(0, status.Swap!.Used);

        var template = Assert.Single(await _client.GetContainersAsync(Node));
        Assert.Equal(FakeProxmoxServer.TemplateVmid, template.Vmid);

        var current = await _client.GetContainerStatusAsync(Node, FakeProxmoxServer.TemplateVmid);
        Assert.Equal("stopped", current.Status);

        var config = await _client.GetContainerConfigAsync(Node, FakeProxmoxServer.TemplateVmid);
        Assert.Equal(1, config.Cores);
        Assert.Equal(512, config.Memory);
        Assert.Equal("vmbr0", config.Networks["net0"].Bridge);
        Assert.Equal("dhcp", config.Networks["net0"].Ip);
        Assert.Equal("local-lvm:base-9000-disk-0", config.RootFs!.Volume);
        Assert.Equal(4, config.RootFs.SizeGb);

        Assert.Contains(await _client.GetStoragesAsync(), s => s.Storage == "local-lvm" && s.Type == "lvmthin");
        Assert.Contains(await _client.GetNodeStoragesAsync(Node), s => s.Storage == "local" && s.Active == 1 && s.Avail > 0);
        Assert.Contains(await _client.GetStorageContentAsync(Node, "local", "vztmpl"), c => c.VolId.StartsWith("local:vztmpl/", StringComparison.Ordinal));
        Assert.Equal(100, await _client.GetNextVmidAsync()); // sent as the string "100"
    }

    [Fact]
    public async Task MountPointsAndNetworkDevicesAreParsedFromTheConfig()
    {
        _server.Containers[FakeProxmoxServer.TemplateVmid].Config["mp0"] = "local-lvm:vm-9000-disk-1,mp=/srv/data,size=512M,backup=1";
        _server.Containers[FakeProxmoxServer.TemplateVmid].Config["net1"] = "name=eth1,bridge=vmbr1,ip=10.1.0.5/24,gw=10.1.0.1";
        var config = await _client.GetContainerConfigAsync(Node, FakeProxmoxServer.TemplateVmid);
        Assert.Equal("/srv/data", config.MountPoints["mp0"].Path);
        Assert.Equal(0.5, config.MountPoints["mp0"].SizeGb);
        Assert.Equal("1", config.MountPoints["mp0"].Options["backup"]);
        Assert.Equal("10.1.0.1", config.Networks["net1"].Options["gw"]);
    }

    [Fact]
    public async Task MutationsReturnUpidsThatAreAwaitedOnTheirNode()
    {
        var clone = await _client.CloneContainerAsync(Node, FakeProxmoxServer.TemplateVmid, new CloneContainerRequest(100, "zlh-test") { Description = "test" });
        Assert.Equal(Node, clone.Node);
        Assert.Equal("vzclone", clone.Type);
        Assert.Equal("OK", (await _client.WaitTaskAsync(clone)).ExitStatus);
        Assert.Contains($"GET /nodes/{Node}/tasks/{clone.Value}/status", _server.Requests);

        Assert.Null(await _client.SetContainerConfigAsync(Node, 100, new Dictionary<string, string> { ["cores"] = "2" }, ["features"]));
        var config = await _client.GetContainerConfigAsync(Node, 100);
        Assert.Equal(2, config.Cores);
        Assert.False(config.Raw.ContainsKey("features"));

        await _client.WaitTaskAsync((await _client.ResizeContainerDiskAsync(Node, 100, "rootfs", "8G"))!);
        Assert.Equal(8, (await _client.GetContainerConfigAsync(Node, 100)).RootFs!.SizeGb);

        await _client.WaitTaskAsync(await _client.StartContainerAsync(Node, 100));
        await _client.WaitTaskAsync(await _client.SnapshotAsync(Node, 100, "before", "a snapshot"));
        await _client.WaitTaskAsync(await _client.RollbackAsync(Node, 100, "before"));
        await _client.WaitTaskAsync(await _client.DeleteSnapshotAsync(Node, 100, "before"));
        Assert.Equal("eth0", (await _client.GetContainerInterfacesAsync(Node, 100))[1].Name);
        await _client.WaitTaskAsync(await _client.ShutdownContainerAsync(Node, 100, TimeSpan.FromSeconds(30), forceStop: true));
        await _client.WaitTaskAsync(await _client.StartContainerAsync(Node, 100));
        await _client.WaitTaskAsync(await _client.StopContainerAsync(Node, 100));
        await _client.WaitTaskAsync(await _client.DestroyContainerAsync(Node, 100));
        Assert.DoesNotContain(await _client.GetContainersAsync(Node), c => c.Vmid == 100);

        var restore = await _client.CreateContainerAsync(Node, new CreateContainerRequest(101, "local:backup/vzdump-lxc-9000-2025_01_01-00_00_00.tar.zst", "restored") { Restore = true });
        Assert.Equal("vzrestore", restore.Type);
        await _client.WaitTaskAsync(restore);
    }

    [Fact]
    public async Task WaitTaskPollsAtOnceThenBacksOffFromOneSecondToFive()
    {
        var time = new ManualTimeProvider();
        using var client = Create(FakeProxmoxServer.TokenSecret, time);
        _server.TaskPollsUntilDone = 7;
        var upid = await client.StartContainerAsync(Node, FakeProxmoxServer.TemplateVmid);

        var status = await time.DriveAsync(client.WaitTaskAsync(upid));

        Assert.True(status.Succeeded);
        Assert.Equal(8, _server.TaskPolls(upid.Value)); // the first poll came before any delay
        Assert.Equal([1, 1.5, 2.25, 3.375, 5, 5, 5], time.Requested.Select(d => d.TotalSeconds));
    }

    [Fact]
    public async Task WaitTaskGivesUpAfterItsTimeoutWithTheLogTail()
    {
        var time = new ManualTimeProvider();
        using var client = Create(FakeProxmoxServer.TokenSecret, time);
        _server.TaskPollsUntilDone = int.MaxValue;
        var upid = await client.StartContainerAsync(Node, FakeProxmoxServer.TemplateVmid);

        var error = await Assert.ThrowsAsync<ProxmoxTaskTimeoutException>(() =>
            time.DriveAsync(client.WaitTaskAsync(upid, new WaitTaskOptions { Timeout = TimeSpan.FromSeconds(12) })));

        Assert.Equal(upid, error.Upid);
        Assert.Equal(12, time.Requested.Sum(d => d.TotalSeconds)); // the last delay is cut to the time left
        Assert.Contains("starting CT 9000", error.LogTail);
    }

    [Fact]
    public async Task WaitTaskStopsWhenCancelled()
    {
        var time = new ManualTimeProvider();
        using var client = Create(FakeProxmoxServer.TokenSecret, time);
        _server.TaskPollsUntilDone = int.MaxValue;
        var upid = await client.StartContainerAsync(Node, FakeProxmoxServer.TemplateVmid);
        using var cancel = new CancellationTokenSource();

        var wait = client.WaitTaskAsync(upid, ct: cancel.Token);
        while (time.Requested.Count == 0) await Task.Delay(5); // it is now sleeping between polls
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.Equal(1, _server.TaskPolls(upid.Value));
    }

    [Fact]
    public async Task AFailedTaskCarriesItsExitStatusAndTheLastLinesOfItsLog()
    {
        _server.FailingTasks["vzclone"] = "no space left on device";
        var upid = await _client.CloneContainerAsync(Node, FakeProxmoxServer.TemplateVmid, new CloneContainerRequest(100, "zlh-x"));

        var error = await Assert.ThrowsAsync<ProxmoxTaskFailedException>(() => _client.WaitTaskAsync(upid));

        Assert.Equal("no space left on device", error.ExitStatus);
        Assert.Equal("TASK ERROR: no space left on device", error.LogTail[^1]);
        Assert.Contains("no space left on device", error.Message);
    }

    [Fact]
    public async Task WarningsAreSuccess()
    {
        _server.FailingTasks["vzstart"] = "WARNINGS: 2";
        var status = await _client.WaitTaskAsync(await _client.StartContainerAsync(Node, FakeProxmoxServer.TemplateVmid));
        Assert.Equal("WARNINGS: 2", status.ExitStatus);
    }

    [Fact]
    public async Task AForbiddenCallNamesTheMissingPrivilegeAndPath()
    {
        _server.Denied["/nodes/pve1/lxc/9000/clone"] = ("/vms/100", "VM.Allocate");

        var error = await Assert.ThrowsAsync<ProxmoxPermissionException>(() =>
            _client.CloneContainerAsync(Node, FakeProxmoxServer.TemplateVmid, new CloneContainerRequest(100, "zlh-x")));

        Assert.Equal("VM.Allocate", error.Privilege);
        Assert.Equal("/vms/100", error.AclPath);
        Assert.Contains("VM.Allocate", error.Message);
        Assert.Contains("/vms/100", error.Message);
        Assert.Contains(FakeProxmoxServer.TokenId, error.Message);
    }

    [Fact]
    public async Task ReadsAreRetriedAfterServerErrorsButMutationsAreSentOnce()
    {
        _server.FailingReads = 2;
        Assert.Equal("8.2.4", (await _client.GetVersionAsync()).Version);
        Assert.Equal(3, _server.Requests.Count(r => r == "GET /version"));

        _server.FailingReads = 5;
        var read = await Assert.ThrowsAsync<ProxmoxException>(() => _client.GetNodesAsync());
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, read.StatusCode);
        Assert.Equal(3, _server.Requests.Count(r => r == "GET /nodes"));

        // A clone into a taken vmid fails with 500: sent once, never repeated.
        await Assert.ThrowsAsync<ProxmoxException>(() =>
            _client.CloneContainerAsync(Node, FakeProxmoxServer.TemplateVmid, new CloneContainerRequest(FakeProxmoxServer.TemplateVmid, "zlh-x")));
        Assert.Equal(1, _server.Requests.Count(r => r.StartsWith("POST /nodes/pve1/lxc/9000/clone", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task NetworkErrorsOnReadsAreRetriedThenSurface()
    {
        var address = _server.BaseAddress;
        await _server.DisposeAsync();
        using var client = new ProxmoxClient(new ProxmoxConnection(address,
            new ProxmoxApiToken(FakeProxmoxServer.TokenId, FakeProxmoxServer.TokenSecret), new CertificatePins([_server.Fingerprint]))
        { ReadRetryDelay = TimeSpan.FromMilliseconds(10) }, _log);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetVersionAsync());
        Assert.Equal(2, _log.Lines.Count(l => l.Contains("retrying", StringComparison.Ordinal)));
        _server = await FakeProxmoxServer.StartAsync(); // for DisposeAsync
    }

    [Fact]
    public async Task TheTokenSecretIsInNoLogLineAndNoExceptionMessage()
    {
        const string wrongSecret = "wrong-secret-7f3a9c";
        _server.EchoCredentialsOnAuthFailure = true;
        using var wrong = Create(wrongSecret);
        var unauthorized = await Assert.ThrowsAsync<ProxmoxException>(() => wrong.GetVersionAsync());
        Assert.Contains("rejected the API token", unauthorized.Message);

        _server.Denied["/nodes"] = ("/", "Sys.Audit");
        var forbidden = await Assert.ThrowsAsync<ProxmoxPermissionException>(() => _client.GetNodesAsync());
        _server.Denied.Clear();
        _server.FailingReads = 1;
        await _client.GetVersionAsync();
        _server.FailingTasks["vzstart"] = "startup for container '9000' failed";
        var failed = await Assert.ThrowsAsync<ProxmoxTaskFailedException>(async () =>
            await _client.WaitTaskAsync(await _client.StartContainerAsync(Node, FakeProxmoxServer.TemplateVmid)));

        var everything = string.Join('\n', _log.Lines.Concat([unauthorized.ToString(), forbidden.ToString(), failed.ToString(),
            new ProxmoxApiToken(FakeProxmoxServer.TokenId, wrongSecret).ToString()]));
        Assert.Contains("***", unauthorized.Message); // the echoed header was redacted
        Assert.DoesNotContain(wrongSecret, everything);
        Assert.DoesNotContain(FakeProxmoxServer.TokenSecret, everything);
        Assert.NotEmpty(_log.Lines);
    }

    [Theory]
    [InlineData("zlh@pve")]
    [InlineData("zlh!token")]
    [InlineData("@pve!token")]
    [InlineData("zlh@pve!")]
    public void ATokenIdThatIsNotUserAtRealmBangIdIsRejected(string tokenId) =>
        Assert.Contains("USER@REALM!TOKENID", Assert.Throws<ArgumentException>(() => new ProxmoxApiToken(tokenId, "s")).Message);
}
