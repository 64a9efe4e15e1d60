using Microsoft.Extensions.Logging.Abstractions;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Hosts.Proxmox;
using ZeroLagHub.Api.Hosts.Proxmox.Client;
using ZeroLagHub.Api.Hosts.Proxmox.Enrollment;
using ZeroLagHub.Api.Tests.Proxmox.Fake;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Tests.Proxmox.Host;

/// <summary>The Proxmox host against the fake Proxmox (HTTPS) and a fake agent (HTTP), both real Kestrel on loopback.</summary>
public sealed class ProxmoxContainerHostTests(ApiSchemaDatabase db) : IAsyncLifetime, IClassFixture<ApiSchemaDatabase>
{
    private FakeProxmoxServer _proxmox = null!;
    private FakeAgent _agent = null!;
    private FirstBootRunner _runner = null!;
    private ProxmoxContainerHost _host = null!;
    private ProxmoxClient _client = null!;
    private readonly HttpClient _agentHttp = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Guid _id = Guid.NewGuid();
    private ContainerPlan Plan => new(_id, ContainerKind.Dev, new ContainerResources(Cores: 2, MemoryMb: 4096, DiskGb: 16));

    public async Task InitializeAsync()
    {
        _proxmox = await FakeProxmoxServer.StartAsync();
        _agent = await FakeAgent.StartAsync();
        var node = new ProxmoxNodeOptions
        {
            Name = FakeProxmoxServer.Node, Url = _proxmox.BaseAddress.ToString(), TokenId = FakeProxmoxServer.TokenId,
            TokenSecret = FakeProxmoxServer.TokenSecret, Fingerprints = [_proxmox.Fingerprint], TemplateVmid = FakeProxmoxServer.TemplateVmid,
        };
        var options = new ProxmoxHostOptions
        {
            Nodes = [node], AgentPort = _agent.Port, EnrollmentUrl = "https://zlh.test", TaskTimeout = TimeSpan.FromSeconds(30),
            AgentHealthTimeout = TimeSpan.FromSeconds(10),
        };
        var enrollment = new AgentEnrollment(new byte[32], db.DataSource, TimeProvider.System, TimeSpan.FromMinutes(10));
        _runner = new FirstBootRunner(enrollment, _agent);
        _client = new ProxmoxClient(new ProxmoxConnection(_proxmox.BaseAddress,
            new ProxmoxApiToken(node.TokenId, node.TokenSecret), new CertificatePins(node.Fingerprints)));
        _host = new ProxmoxContainerHost([new ProxmoxNode(node, _client)], options, enrollment, _runner, _agentHttp,
            TimeProvider.System, NullLogger<ProxmoxContainerHost>.Instance);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _agentHttp.Dispose();
        await _agent.DisposeAsync();
        await _proxmox.DisposeAsync();
    }

    private FakeContainer[] Ours => [.. _proxmox.Containers.Values.Where(c => c.Config.GetValueOrDefault("hostname") == ProxmoxContainerHost.HostnameFor(_id))];

    [Fact]
    public async Task ADevContainerIsClonedSizedStartedAndEnrolledWithEveryUpidInTheStageLog()
    {
        var log = new StageLog();

        var hosted = await _host.CreateAsync(Plan, log, CancellationToken.None);

        Assert.Equal(new HostedContainer(_id, 100, "127.0.0.1"), hosted);
        var lxc = Assert.Single(Ours);
        Assert.Equal("running", lxc.Status);
        Assert.Equal("2", lxc.Config["cores"]);
        Assert.Equal("4096", lxc.Config["memory"]);
        Assert.Equal("local-lvm:vm-100-disk-0,size=16G", lxc.Config["rootfs"]);
        Assert.Equal("zlh;zlh-dev", lxc.Config["tags"]);
        Assert.StartsWith("name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:01,ip=dhcp", lxc.Config["net0"]);
        Assert.Contains(_id.ToString(), lxc.Config["description"]);

        var lines = log.Tail();
        foreach (var type in new[] { "vzclone", "resize", "vzstart" })
            Assert.Contains(lines, l => l.Contains($"UPID:{FakeProxmoxServer.Node}:", StringComparison.Ordinal) && l.Contains($":{type}:", StringComparison.Ordinal));
        Assert.Contains("  | TASK OK", lines);
        Assert.Contains(lines, l => l.StartsWith("enrollment token pushed to CT 100:/etc/zlh/enrollment.json", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("agent healthy", StringComparison.Ordinal));

        // The token itself is in the pushed file only, never in the stage log (it becomes deployment history).
        var push = Assert.Single(_runner.Pushes);
        Assert.Equal((FakeProxmoxServer.Node, 100, "/etc/zlh/enrollment.json"), (push.Node, push.Vmid, push.Path));
        var token = System.Text.Json.JsonDocument.Parse(push.Content).RootElement.GetProperty("enrollmentToken").GetString()!;
        Assert.DoesNotContain(lines, l => l.Contains(token, StringComparison.Ordinal));

        var endpoint = await _host.FindAgentAsync(_id, CancellationToken.None);
        Assert.Equal(new Uri($"http://127.0.0.1:{_agent.Port}/"), endpoint!.BaseAddress);
        Assert.Equal(_agent.AgentToken, endpoint.Token);
    }

    [Fact]
    public async Task ARepeatedCreateReturnsTheSameLxcWithoutASecondCloneOrEnrollment()
    {
        var first = await _host.CreateAsync(Plan, new StageLog(), CancellationToken.None);
        var log = new StageLog();

        var second = await _host.CreateAsync(Plan, log, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Single(Ours);
        Assert.Single(_proxmox.Requests, r => r.EndsWith("/clone", StringComparison.Ordinal));
        Assert.Single(_runner.Pushes);
        Assert.Contains(log.Tail(), l => l.StartsWith("found CT 100", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACreateThatFailedAfterTheCloneIsResumedOnTheSameLxc()
    {
        _proxmox.FailingTasks["vzstart"] = "startup for container '100' failed";
        var failedLog = new StageLog();
        var refused = await Assert.ThrowsAsync<ContainerHostRefusedException>(() => _host.CreateAsync(Plan, failedLog, CancellationToken.None));
        var failure = Assert.IsType<ProxmoxTaskFailedException>(refused.InnerException);
        Assert.Contains("  | TASK ERROR: startup for container '100' failed", failedLog.Tail());
        Assert.Equal("vzstart", failure.Upid.Type);

        _proxmox.FailingTasks.Clear();
        var hosted = await _host.CreateAsync(Plan, new StageLog(), CancellationToken.None);

        Assert.Equal(100, hosted.Vmid);
        Assert.Equal("running", Assert.Single(Ours).Status);
    }

    [Fact]
    public async Task AVmidTakenByAnotherClientIsRetriedWithTheNextOne()
    {
        _proxmox.VmidClashes = 1;
        var log = new StageLog();

        var hosted = await _host.CreateAsync(Plan, log, CancellationToken.None);

        Assert.Equal(101, hosted.Vmid);
        Assert.Contains("vmid 100 was taken by someone else meanwhile; asking for the next one", log.Tail());
        Assert.Equal("someone-else", _proxmox.Containers[100].Config["hostname"]);
    }

    [Fact]
    public async Task AFailedCloneFailsWithItsTaskLogInTheStageLog()
    {
        _proxmox.FailingTasks["vzclone"] = "clone failed: no space left on device";
        var log = new StageLog();

        var refused = await Assert.ThrowsAsync<ContainerHostRefusedException>(() => _host.CreateAsync(Plan, log, CancellationToken.None));

        Assert.IsType<ProxmoxTaskFailedException>(refused.InnerException);
        Assert.Equal("Proxmox task vzclone on pve1 failed: clone failed: no space left on device", refused.Message);
        Assert.Contains("  | TASK ERROR: clone failed: no space left on device", log.Tail());
        Assert.Empty(_runner.Pushes);
    }

    [Fact]
    public async Task AMissingPrivilegeIsNamedInTheStageLogAndNotRetried()
    {
        _proxmox.Denied[$"/nodes/{FakeProxmoxServer.Node}/lxc/{FakeProxmoxServer.TemplateVmid}/clone"] = ($"/vms/{FakeProxmoxServer.TemplateVmid}", "VM.Clone");
        var log = new StageLog();

        var refused = await Assert.ThrowsAsync<ContainerHostRefusedException>(() => _host.CreateAsync(Plan, log, CancellationToken.None));

        Assert.IsType<ProxmoxPermissionException>(refused.InnerException);
        Assert.Contains(log.Tail(), l => l.Contains("lacks privilege VM.Clone on /vms/9000", StringComparison.Ordinal));
        Assert.Empty(Ours);
    }

    [Fact]
    public async Task StopStartAndDeleteMapToTheApiAndDeleteIsIdempotent()
    {
        await _host.CreateAsync(Plan, new StageLog(), CancellationToken.None);

        var stopLog = new StageLog();
        await _host.StopAsync(_id, stopLog, CancellationToken.None);
        Assert.Equal("stopped", Assert.Single(Ours).Status);
        Assert.Contains(stopLog.Tail(), l => l.Contains(":vzshutdown:", StringComparison.Ordinal));
        await _host.StopAsync(_id, new StageLog(), CancellationToken.None); // already stopped: fine

        await _host.StartAsync(_id, new StageLog(), CancellationToken.None);
        Assert.Equal("running", Assert.Single(Ours).Status);

        var deleteLog = new StageLog();
        await _host.DeleteAsync(_id, deleteLog, CancellationToken.None);
        Assert.Empty(Ours);
        Assert.Contains(deleteLog.Tail(), l => l.Contains(":vzdestroy:", StringComparison.Ordinal));
        Assert.Null(await _host.FindAgentAsync(_id, CancellationToken.None));

        var again = new StageLog();
        await _host.DeleteAsync(_id, again, CancellationToken.None);
        Assert.Contains($"proxmox: {_id} is already gone", again.Tail());
        await Assert.ThrowsAsync<ProxmoxException>(() => _host.StartAsync(_id, new StageLog(), CancellationToken.None));
    }

    [Fact]
    public async Task AnEnrollmentTokenSeenBySomeoneElseFailsTheDeploymentInsteadOfEnrollingThem()
    {
        // Stand-in for an eavesdropper who exchanges the token first: the real agent's exchange is refused,
        // so it never answers /health and the create fails loudly.
        var enrollment = new AgentEnrollment(new byte[32], db.DataSource, TimeProvider.System, TimeSpan.FromMinutes(10));
        var thief = new StealingRunner(enrollment);
        var node = new ProxmoxNodeOptions { Name = FakeProxmoxServer.Node, TemplateVmid = FakeProxmoxServer.TemplateVmid };
        var host = new ProxmoxContainerHost([new ProxmoxNode(node, _client)],
            new ProxmoxHostOptions { Nodes = [node], AgentPort = _agent.Port, AgentHealthTimeout = TimeSpan.FromSeconds(2) },
            enrollment, thief, _agentHttp, TimeProvider.System, NullLogger<ProxmoxContainerHost>.Instance);

        var error = await Assert.ThrowsAsync<ProxmoxException>(() => host.CreateAsync(Plan, new StageLog(), CancellationToken.None));

        Assert.Contains("did not answer", error.Message);
        Assert.Equal([true, false], thief.Outcomes.Select(o => o.Succeeded));
        Assert.Equal(EnrollmentFailure.AlreadyUsed, thief.Outcomes[1].Failure);
    }

    private sealed class StealingRunner(AgentEnrollment enrollment) : ZeroLagHub.Api.Hosts.Proxmox.Privileged.IPrivilegedRunner
    {
        public List<EnrollmentRedemption> Outcomes { get; } = [];

        public async Task PushFileAsync(string node, int vmid, string path, ReadOnlyMemory<byte> content, CancellationToken ct)
        {
            var root = System.Text.Json.JsonDocument.Parse(content).RootElement;
            var (id, token) = (root.GetProperty("containerId").GetGuid(), root.GetProperty("enrollmentToken").GetString()!);
            Outcomes.Add(await enrollment.RedeemAsync(id, token, ct)); // the thief
            Outcomes.Add(await enrollment.RedeemAsync(id, token, ct)); // the container's first boot
        }
    }
}
