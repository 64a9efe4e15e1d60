using System.Net;
using System.Net.Http.Json;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Hosts.Local;
using ZeroLagHub.Api.Tests.Status;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Api.Tests.Hosts;

/// <summary>
/// As root with bubblewrap and slirp4netns: each container has a network namespace of its own, reaching the world
/// through slirp4netns but nothing on the host's loopback; its agent listens on a socket the control plane bound,
/// which no tenant can take over. Tried from inside, with the container's own processes.
/// </summary>
public sealed class LocalContainerNetworkTests(LocalHostFixture api) : IClassFixture<LocalHostFixture>
{
    private static bool Isolated => Environment.UserName == "root" && File.Exists("/usr/bin/bwrap") && File.Exists("/usr/bin/slirp4netns");

    private LocalContainerStore Store => api.Services.GetRequiredService<LocalContainerStore>();

    [Fact]
    public async Task FromInsideAContainerTheHostsDatabaseRedisApiAndAnotherContainersAgentAreOutOfReach()
    {
        if (!Isolated) return;
        var (record, uid, gid) = await CreateAsync();
        var (other, _, _) = await CreateAsync();
        var services = await TestServices.GetAsync();
        var postgres = new NpgsqlConnectionStringBuilder(services.PostgresApi);
        var redis = services.Redis.Split(',')[0].Split(':');
        var apiPort = api.Services.GetRequiredService<ApiLoopbackAddress>().Get().Port;
        var targets = new List<(string Host, int Port)>
        {
            (postgres.Host!, postgres.Port), (redis[0], int.Parse(redis[1])), ("127.0.0.1", apiPort),
            // slirp's gateway, which without --disable-host-loopback would lead to the host's 127.0.0.1.
            ("10.0.2.2", postgres.Port), ("10.0.2.2", int.Parse(redis[1])), ("10.0.2.2", apiPort),
        };
        // Each reachable from the host, so that a refusal inside says something.
        foreach (var (host, port) in targets.Where(t => t.Host != "10.0.2.2"))
        {
            using var probe = new TcpClient();
            await probe.ConnectAsync(host, port);
        }

        foreach (var (host, port) in targets)
        {
            var (code, output) = await LocalContainerProbe.RunAsTenantAsync(record, uid, gid, Connect(host, port));
            Assert.True(code != 0, $"{host}:{port} was reachable from inside the container: {output}");
        }
        var otherSocket = Store.AgentSocketPath(other.ContainerId);
        var (sees, _) = await LocalContainerProbe.RunAsTenantAsync(record, uid, gid, $"test -e '{otherSocket}'");
        Assert.NotEqual(0, sees);
        // The agent's own (as root, where the container's code is not): not even its own container's code connects.
        var (own, _) = await LocalContainerProbe.RunAsTenantAsync(record, uid, gid,
            $"curl -s -m 3 --unix-socket '{Store.AgentSocketPath(record.ContainerId)}' http://agent/health");
        Assert.NotEqual(0, own);
    }

    [Fact]
    public async Task AnOutboundConnectionFromInsideAContainerReachesTheHostsOtherAddresses()
    {
        if (!Isolated) return;
        // The world is reached through slirp4netns; this machine's non-loopback address stands in for it.
        var address = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        if (address is null) return;   // no such address on this machine: nothing outside loopback to reach
        var (record, uid, gid) = await CreateAsync();
        using var listener = new TcpListener(address, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = AcceptLineAsync(listener);

        var (code, output) = await LocalContainerProbe.RunAsTenantAsync(record, uid, gid,
            $"exec bash -c 'exec 3<>/dev/tcp/{address}/{port}; echo hello from inside >&3'");

        Assert.True(code == 0, output);
        Assert.Equal("hello from inside", await accepted.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task ATenantCannotReplaceTheAgentsSocketSoAfterARestartTheApiStillTalksToItsOwnAgent()
    {
        if (!Isolated) return;
        // The attack on loopback ports: once the owner stopped the container, another tenant bound the agent's old
        // port and got the real agent's token with the next health check. Here the address is a socket path.
        var (record, uid, gid) = await CreateAsync();
        var (_, intruderUid, intruderGid) = await CreateAsync();
        var socket = Store.AgentSocketPath(record.ContainerId);
        await api.Host.StopAsync(record.ContainerId, new StageLog(), default);

        // The container's own user and another container's, each on the host (where the path exists), try to put a
        // listener of theirs at the agent's address: remove the socket, move it away, bind there.
        var takeOver = $"rm -f '{socket}'; mv '{socket}' '{socket}.old'; "
            + $"perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => $ARGV[0], Listen => 1) or die \"bind: $!\\n\"' '{socket}'";
        foreach (var (u, g) in new[] { (uid, gid), (intruderUid, intruderGid) })
        {
            var (code, output) = await RunOnHostAsAsync(u, g, takeOver);
            Assert.True(code != 0, output);
            Assert.Contains("Permission denied", output);
        }
        Assert.True(File.Exists(socket));

        await api.Host.StartAsync(record.ContainerId, new StageLog(), default);
        var health = await api.HealthAsync(record.ContainerId);
        Assert.Equal(record.ContainerId, health.ContainerId);
        // The listening descriptor went to the agent alone: the container's code holds no socket of it.
        var (_, fds) = await LocalContainerProbe.RunAsTenantAsync(Store.Find(record.ContainerId)!, uid, gid, "ls -l /proc/self/fd/ | grep -c socket || true");
        Assert.Equal("0", fds.Trim());
    }

    [Fact]
    public async Task AnAgentRestartedGracefullyAgainAndAgainStillServesOnTheHandedInSocket()
    {
        if (!Isolated) return;
        // .NET shuts a close-on-exec socket down as it closes it under a pending accept, which killed the init's copy
        // too: the next agent got a dead socket (connections refused) after some restarts.
        var (record, _, _) = await CreateAsync();
        for (var i = 0; i < 5; i++)
        {
            await record.Init!.RestartAgentAsync(TimeSpan.FromSeconds(10), default);
            await api.Host.StartAsync(record.ContainerId, new StageLog(), default);   // waits for its /health
        }
        Assert.Equal(record.ContainerId, (await api.HealthAsync(record.ContainerId)).ContainerId);
    }

    [Fact]
    public async Task AStoppedContainersNetworkEndsWithItAndTheAgentIsThenUnreachable()
    {
        if (!Isolated) return;
        var (record, _, _) = await CreateAsync();
        var slirp = Slirp(record.ContainerId);
        Assert.NotNull(slirp);

        await api.Host.StopAsync(record.ContainerId, new StageLog(), default);

        await EventuallyAsync(() => Task.FromResult(Slirp(record.ContainerId) is null ? (object)true : null));
        var agent = (await api.Host.FindAgentAsync(record.ContainerId, default))!;
        var probe = api.Services.GetRequiredService<ZeroLagHub.Api.Agents.Polling.AgentProbe>();
        Assert.Null(await probe.HealthAsync(record.ContainerId, agent, TimeSpan.FromSeconds(5), default));
    }

    [Fact]
    public async Task TheContainerSeesOnlyTheWorldReadablePartOfEtcAndResolvesThroughSlirp()
    {
        if (!Isolated) return;
        var (record, _, _) = await CreateAsync();
        // As root inside (more than the agent may): what is not in the copy cannot be read by any capability.
        var (shadow, _) = await LocalContainerProbe.RunAsTenantAsync(record, 0, 0, "cat /etc/shadow");
        var (passwd, users) = await LocalContainerProbe.RunAsTenantAsync(record, 0, 0, "cat /etc/passwd");
        var (_, resolv) = await LocalContainerProbe.RunAsTenantAsync(record, 0, 0, "cat /etc/resolv.conf");

        Assert.NotEqual(0, shadow);
        Assert.Equal(0, passwd);
        Assert.Contains(record.UserName, users);
        Assert.Equal($"nameserver {LocalNetwork.NameServer}", resolv.Trim());
    }

    [Fact]
    public async Task AContainerOnTheHostsNetworkIsMovedIntoItsOwnNetworkNamespaceAtStartWithItsFilesKept()
    {
        if (!Isolated) return;
        var (record, _, _) = await CreateAsync();
        var marker = Path.Combine(Store.RootfsOf(record.ContainerId), "home", "dev", "workspace", "kept.txt");
        await File.WriteAllTextAsync(marker, "mine");
        // What the previous version recorded for a running container: layout 1, its agent on a loopback port.
        var old = Store.Find(record.ContainerId)! with { Layout = 1, AgentPort = 1 };
        Store.Save(old);

        await ActivatorUtilities.CreateInstance<LocalContainerHost>(api.Services).ReconcileAsync(default);

        var upgraded = Store.Find(record.ContainerId)!;
        Assert.Equal(LocalContainerRecord.CurrentLayout, upgraded.Layout);
        Assert.False(old.Init!.IsRunning);
        Assert.True(upgraded.Init is { IsRunning: true });
        Assert.NotEqual(NetworkNamespaceOf(Environment.ProcessId), NetworkNamespaceOf(LocalContainerProbe.Agent(upgraded)!.Pid));
        Assert.Equal(record.ContainerId, (await api.HealthAsync(record.ContainerId)).ContainerId);
        Assert.Equal("mine", await File.ReadAllTextAsync(marker));
    }

    [Fact]
    public async Task APublishedPortIsReachableFromTheHostButNotFromAnotherContainersLoopback()
    {
        if (!Isolated) return;
        var port = FreeTcpPort();
        var (record, uid, gid) = await CreateAsync([new PublishedPort(port)]);
        Assert.Equal([new HostPort(port, PublishedPort.Tcp, port)], record.Ports);
        // The container's code listens, as any server would, on its namespace's addresses.
        await LocalContainerProbe.RunAsTenantAsync(record, uid, gid, "setsid nohup perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new("
            + $"LocalPort => {port}, Listen => 5, ReuseAddr => 1) or die; while ($c = $s->accept) {{ print $c \"hello from inside\\n\"; close $c }}' >/dev/null 2>&1 &");

        var line = await EventuallyAsync(async () =>
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                using var reader = new StreamReader(client.GetStream());
                return await reader.ReadLineAsync();
            }
            catch (Exception e) when (e is SocketException or IOException) { return null; }
        });
        Assert.Equal("hello from inside", line);

        var (other, otherUid, otherGid) = await CreateAsync();
        foreach (var host in new[] { "127.0.0.1", "10.0.2.2" })
        {
            var (code, output) = await LocalContainerProbe.RunAsTenantAsync(other, otherUid, otherGid, Connect(host, port));
            Assert.True(code != 0, $"another container reached the published port at {host}:{port}: {output}");
        }
    }

    [Fact]
    public async Task APortTakenOnTheHostIsRefusedWithA409NamingItAndTheHostRefusesItToo()
    {
        if (!Isolated) return;
        using var holder = new TcpListener(IPAddress.Any, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        using var client = api.CreateClientAs(Guid.NewGuid());
        var response = await client.PostAsJsonAsync("/api/servers",
            new { kind = "dev", name = "ported", runtime = "node", version = "24", ports = new[] { new { port, protocol = "tcp" } } });
        var refused = await Assert.ThrowsAsync<ContainerHostRefusedException>(() => api.Host.CreateAsync(
            new ContainerPlan(Guid.NewGuid(), ContainerKind.Dev, new ContainerResources(), [new PublishedPort(port)]), new StageLog(), default));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"host port {port}/tcp is taken", await response.Content.ReadAsStringAsync());
        Assert.Contains($"host port {port}/tcp is taken", refused.Message);
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string NetworkNamespaceOf(int pid) => new FileInfo($"/proc/{pid}/ns/net").LinkTarget!;

    /// <summary>bash's /dev/tcp: exits non-zero when the connection fails (or takes longer than 5 s).</summary>
    private static string Connect(string host, int port) => $"timeout 5 bash -c 'exec 3<>/dev/tcp/{host}/{port}'";

    /// <summary>The slirp4netns serving <paramref name="containerId"/>'s network, if one runs.</summary>
    private HostProcess? Slirp(Guid containerId)
    {
        var socket = Store.NetworkSocketPath(containerId);
        return HostProcess.All().FirstOrDefault(p => p.Name == "slirp4netns" && Args(p.Pid).Contains(socket));
    }

    private static string[] Args(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0'); }
        catch (IOException) { return []; }
    }

    private static async Task<string> AcceptLineAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        using var reader = new StreamReader(client.GetStream());
        return await reader.ReadLineAsync() ?? "";
    }

    private static async Task<(int Code, string Output)> RunOnHostAsAsync(int uid, int gid, string script)
    {
        var start = new System.Diagnostics.ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[$"--reuid={uid}", $"--regid={gid}", "--clear-groups", "/bin/sh", "-c", script]) start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    private async Task<(LocalContainerRecord Record, int Uid, int Gid)> CreateAsync(IReadOnlyList<PublishedPort>? ports = null)
    {
        var plan = new ContainerPlan(Guid.NewGuid(), ContainerKind.Dev, new ContainerResources(), ports);
        await api.Host.CreateAsync(plan, new StageLog(), default);
        var record = Store.Find(plan.ContainerId)!;
        var (uid, gid) = (await LocalUsers.IdAsync(record.UserName, default))!.Value;
        return (record, uid, gid);
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } found) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException("the condition did not hold within 30 s");
    }
}
