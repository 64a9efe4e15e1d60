using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Hosts.Proxmox;
using ZeroLagHub.Api.Hosts.Proxmox.Client;
using ZeroLagHub.Api.Hosts.Proxmox.Enrollment;
using ZeroLagHub.Api.Tests.Proxmox.Fake;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Tests.Proxmox.Host;

/// <summary>
/// The Proxmox host over two nodes, each a fake Proxmox of its own (HTTPS, its own pinned certificate):
/// placement, lookup, the agent's address after a restart, and one node down while a container on the
/// other is created and operated.
/// </summary>
public sealed class ProxmoxNodesTests(ApiSchemaDatabase db) : IAsyncLifetime, IClassFixture<ApiSchemaDatabase>
{
    private FakeProxmoxServer _pve1 = null!;
    private FakeProxmoxServer _pve2 = null!;
    private FakeAgent _agent = null!;
    private ProxmoxContainerHost _host = null!;
    private readonly List<ProxmoxClient> _clients = [];
    private readonly CapturingLogger<ProxmoxContainerHost> _log = new();
    private readonly HttpClient _agentHttp = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Guid _id = Guid.NewGuid();
    private ContainerPlan Plan => new(_id, ContainerKind.Dev, new ContainerResources(Cores: 2, MemoryMb: 4096, DiskGb: 16));

    public async Task InitializeAsync()
    {
        _pve1 = await FakeProxmoxServer.StartAsync(node: "pve1");
        _pve2 = await FakeProxmoxServer.StartAsync(node: "pve2");
        _agent = await FakeAgent.StartAsync();
        var nodes = new[] { _pve1, _pve2 }.Select(server =>
        {
            var node = new ProxmoxNodeOptions
            {
                Name = server.NodeName, Url = server.BaseAddress.ToString(), TokenId = FakeProxmoxServer.TokenId,
                TokenSecret = FakeProxmoxServer.TokenSecret, Fingerprints = [server.Fingerprint], TemplateVmid = FakeProxmoxServer.TemplateVmid,
            };
            var client = new ProxmoxClient(new ProxmoxConnection(server.BaseAddress, new ProxmoxApiToken(node.TokenId, node.TokenSecret),
                new CertificatePins(node.Fingerprints)) { ReadRetryDelay = TimeSpan.FromMilliseconds(10) });
            _clients.Add(client);
            return new ProxmoxNode(node, client);
        }).ToList();
        var options = new ProxmoxHostOptions
        {
            Nodes = [.. nodes.Select(n => n.Options)], AgentPort = _agent.Port, EnrollmentUrl = "https://zlh.test",
            TaskTimeout = TimeSpan.FromSeconds(30), AgentHealthTimeout = TimeSpan.FromSeconds(10),
        };
        var enrollment = new AgentEnrollment(new byte[32], db.DataSource, TimeProvider.System, TimeSpan.FromMinutes(10));
        _host = new ProxmoxContainerHost(nodes, options, enrollment, new FirstBootRunner(enrollment, _agent), _agentHttp, TimeProvider.System, _log);
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        _agentHttp.Dispose();
        await _agent.DisposeAsync();
        await _pve1.DisposeAsync();
        await _pve2.DisposeAsync();
    }

    private FakeContainer[] On(FakeProxmoxServer node) =>
        [.. node.Containers.Values.Where(c => c.Config.GetValueOrDefault("hostname") == ProxmoxContainerHost.HostnameFor(_id))];

    [Fact]
    public async Task ANewContainerGoesToTheNodeWithMoreFreeMemoryIsOperatedThereAndItsAgentFoundAtItsNewAddressAfterARestart()
    {
        _pve1.UsedMemory = 30L << 30;            // of 32 GiB: pve2 has more free

        var hosted = await _host.CreateAsync(Plan, new StageLog(), CancellationToken.None);

        Assert.Empty(On(_pve1));
        var lxc = Assert.Single(On(_pve2));
        Assert.Equal(lxc.Vmid, hosted.Vmid);
        Assert.Contains($"POST /nodes/pve2/lxc/{FakeProxmoxServer.TemplateVmid}/clone", _pve2.Requests);
        Assert.DoesNotContain(_pve1.Requests, r => r.StartsWith("POST", StringComparison.Ordinal));
        Assert.Equal(new Uri($"http://127.0.0.1:{_agent.Port}/"), (await _host.FindAgentAsync(_id, CancellationToken.None))!.BaseAddress);

        await _host.StopAsync(_id, new StageLog(), CancellationToken.None);
        Assert.Equal("stopped", lxc.Status);
        Assert.Null(await _host.FindAgentAsync(_id, CancellationToken.None));   // stopped: no agent, not the address it had

        lxc.Address = "127.0.0.9";                // DHCP hands out another address on the next boot
        await _host.StartAsync(_id, new StageLog(), CancellationToken.None);

        Assert.Equal("running", lxc.Status);
        Assert.Equal(new Uri($"http://127.0.0.9:{_agent.Port}/"), (await _host.FindAgentAsync(_id, CancellationToken.None))!.BaseAddress);
        Assert.DoesNotContain(_pve1.Requests, r => r.StartsWith("POST", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithOneNodeDownAContainerOnTheOtherIsCreatedStoppedStartedFoundAndDeleted()
    {
        _pve1.UsedMemory = 0;                     // the better node, were it up
        await _pve1.GoDownAsync();
        var log = new StageLog();

        var hosted = await _host.CreateAsync(Plan, log, CancellationToken.None);

        Assert.Equal(Assert.Single(On(_pve2)).Vmid, hosted.Vmid);
        Assert.Contains("node pve1 did not answer the lookup: skipped", log.Tail());
        Assert.Contains(_log.Lines, l => l.StartsWith("Warning Proxmox node pve1 skipped for placement", StringComparison.Ordinal));
        Assert.Contains(_log.Lines, l => l.StartsWith($"Warning Proxmox node pve1 skipped looking up {ProxmoxContainerHost.HostnameFor(_id)}", StringComparison.Ordinal));

        await _host.StopAsync(_id, new StageLog(), CancellationToken.None);
        Assert.Equal("stopped", Assert.Single(On(_pve2)).Status);
        Assert.Null(await _host.FindAgentAsync(_id, CancellationToken.None));
        await _host.StartAsync(_id, new StageLog(), CancellationToken.None);
        Assert.Equal("running", Assert.Single(On(_pve2)).Status);
        Assert.Equal(new Uri($"http://127.0.0.1:{_agent.Port}/"), (await _host.FindAgentAsync(_id, CancellationToken.None))!.BaseAddress);

        await _host.DeleteAsync(_id, new StageLog(), CancellationToken.None);
        Assert.Empty(On(_pve2));

        // Not found while pve1 is down: it may be there, so the delete is not reported done, nor a start "not found anywhere".
        var delete = await Assert.ThrowsAsync<ProxmoxException>(() => _host.DeleteAsync(_id, new StageLog(), CancellationToken.None));
        Assert.Contains("node pve1 did not answer", delete.Message);
        var start = await Assert.ThrowsAsync<ProxmoxException>(() => _host.StartAsync(_id, new StageLog(), CancellationToken.None));
        Assert.Contains("node pve1 did not", start.Message);
    }
}
