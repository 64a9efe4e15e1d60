using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Hosts.Local;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Api.Tests.Containers;

namespace ZeroLagHub.Api.Tests.Hosts;

/// <summary>
/// As root with bubblewrap: a container is a PID namespace of its own under one init, its code runs as a user
/// unique on this machine, and nothing of it outlives its delete. (Unprivileged runs are single-user by design.)
/// </summary>
public sealed class LocalContainerIsolationTests(LocalHostFixture api) : IClassFixture<LocalHostFixture>
{
    private static bool Isolated => Environment.UserName == "root" && File.Exists("/usr/bin/bwrap");

    private LocalContainerStore Store => api.Services.GetRequiredService<LocalContainerStore>();

    [Fact]
    public async Task DeleteEndsADaemonTheContainersShellLeftBehindAndThenRemovesItsUser()
    {
        if (!Isolated) return;
        var (record, uid, gid) = await CreateAsync();
        var (code, output) = await LocalContainerProbe.RunAsTenantAsync(record, uid, gid, "setsid nohup sleep 1000 >/dev/null 2>&1 & echo started");
        Assert.True(code == 0, output);
        await EventuallyAsync(() => Task.FromResult(LocalUsers.ProcessesOf(uid).Any(p => p.Name == "sleep") ? (object)true : null));

        var log = new StageLog();
        await api.Host.DeleteAsync(record.ContainerId, log, default);

        Assert.Empty(LocalUsers.ProcessesOf(uid));
        Assert.Null(await LocalUsers.IdAsync(record.UserName, default));
        Assert.Contains(log.Tail(), l => l.StartsWith("stopped local container", StringComparison.Ordinal) && l.Contains("sleep", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Store.DirectoryOf(record.ContainerId)));
    }

    [Fact]
    public async Task InsideAContainerItsCodeSeesOnlyItsOwnProcessesAndCannotReachItsAgent()
    {
        if (!Isolated) return;
        var (record, uid, gid) = await CreateAsync();
        var agent = LocalContainerProbe.Agent(record)!;
        var agentInside = HostProcess.InnermostPid(agent.Pid)!.Value;

        var (_, ps) = await LocalContainerProbe.RunAsTenantAsync(record, uid, gid, "ls /proc | grep -E '^[0-9]+$' | sort -n");
        var config = Store.AgentConfigPath(record.ContainerId);
        var (readConfig, _) = await LocalContainerProbe.RunAsTenantAsync(record, uid, gid, $"cat '{config}'");
        var (readEnviron, _) = await LocalContainerProbe.RunAsTenantAsync(record, uid, gid, $"cat /proc/{agentInside}/environ");
        var (readRoot, _) = await LocalContainerProbe.RunAsTenantAsync(record, uid, gid, $"cat /proc/{agentInside}/root{config}");
        var (signal, _) = await LocalContainerProbe.RunAsTenantAsync(record, uid, gid, $"kill -STOP {agentInside}");

        // The namespace's processes (bwrap, the init, the agent, the shell that listed them): a handful, not the host's.
        var pids = ps.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
        Assert.Contains(1, pids);
        Assert.Contains(agentInside, pids);
        Assert.True(pids.Count < 10, string.Join(' ', pids));
        Assert.NotEqual(0, readConfig);
        Assert.NotEqual(0, readEnviron);
        Assert.NotEqual(0, readRoot);
        Assert.NotEqual(0, signal);
        Assert.True(agent.IsStill());
    }

    [Fact]
    public async Task AKilledAgentIsStartedAgainByTheContainersInitAndAProcessHeldApartFromItLives()
    {
        if (!Isolated) return;
        var (record, uid, gid) = await CreateAsync();
        await LocalContainerProbe.RunAsTenantAsync(record, uid, gid, "setsid nohup sleep 1000 >/dev/null 2>&1 &");
        var held = await EventuallyAsync(() => Task.FromResult(LocalUsers.ProcessesOf(uid).SingleOrDefault(p => p.Name == "sleep")));
        var agent = LocalContainerProbe.Agent(record)!;

        agent.Signal(HostProcess.SigKill);
        var again = await EventuallyAsync(() => Task.FromResult(LocalContainerProbe.Agent(Store.Find(record.ContainerId)) is { } a && a.Pid != agent.Pid ? a : null));
        await api.Host.StartAsync(record.ContainerId, new StageLog(), default);   // waits for its /health

        Assert.NotEqual(agent.Pid, again.Pid);
        Assert.Equal(record.Init, Store.Find(record.ContainerId)!.Init);
        Assert.True(held.IsStill());
    }

    [Fact]
    public async Task AGameServerOutlivesItsAgentKilledAndRestartedByTheInit()
    {
        if (!Isolated) return;
        using var client = api.CreateClientAs(Guid.NewGuid());
        var (container, deployment) = await client.CreateAsync(ControlPlaneSteps.GameSpec());
        var history = await client.WaitForDeploymentAsync(deployment);
        Assert.True(history.GetProperty("status").GetString() == "succeeded", history.ToString());
        var before = await EventuallyAsync(async () => await ServerAsync(container) is { State: "running", Pid: not null } s ? s : null);
        var agent = LocalContainerProbe.Agent(Store.Find(container))!;

        agent.Signal(HostProcess.SigKill);
        await EventuallyAsync(() => Task.FromResult(LocalContainerProbe.Agent(Store.Find(container)) is { } a && a.Pid != agent.Pid ? a : null));
        var after = await EventuallyAsync(async () => await ServerAsync(container) is { State: "running" } s ? s : null);

        Assert.False(agent.IsStill());
        Assert.Equal(before.Pid, after.Pid);
    }

    [Fact]
    public async Task AUidAProcessStillHoldsIsNeverHandedToANewContainer()
    {
        if (!Isolated) return;
        // The takeover: a process left running as a UID that a new container's user then gets could read that container's
        // files and its agent's memory. The next UID the host would hand out is held by such a stray process here.
        var first = api.Services.GetRequiredService<IOptions<LocalHostOptions>>().Value.FirstUid;
        var taken = File.ReadLines("/etc/passwd").Concat(File.ReadLines("/etc/group")).Select(l => l.Split(':')[2]).ToHashSet();
        var next = Enumerable.Range(first, 10_000).First(u => !taken.Contains($"{u}") && LocalUsers.ProcessesOf(u).Count == 0);
        using var stray = Process.Start("setpriv", [$"--reuid={next}", $"--regid={next}", "--clear-groups", "sleep", "1000"]);
        try
        {
            await EventuallyAsync(() => Task.FromResult(LocalUsers.ProcessesOf(next).Count > 0 ? (object)true : null));
            var (_, uid, _) = await CreateAsync();
            Assert.NotEqual(next, uid);
        }
        finally { stray.Kill(); }
    }

    [Fact]
    public async Task TwoControlPlanesOnOneMachineCreatingContainersAtOnceShareNoUserOrDirectory()
    {
        if (!Isolated) return;
        // The second one: its own data directory, the same first vmid (which named users before).
        var root = Directory.CreateTempSubdirectory("zlh-second-host-").FullName;
        var options = Options.Create(new LocalHostOptions { Root = root, FirstUid = api.Services.GetRequiredService<IOptions<LocalHostOptions>>().Value.FirstUid });
        var secondStore = new LocalContainerStore(options);
        var second = ActivatorUtilities.CreateInstance<LocalContainerHost>(api.Services, secondStore, options);
        var plans = Enumerable.Range(0, 3).Select(_ => new ContainerPlan(Guid.NewGuid(), ContainerKind.Dev, new ContainerResources())).ToList();
        var others = Enumerable.Range(0, 3).Select(_ => new ContainerPlan(Guid.NewGuid(), ContainerKind.Dev, new ContainerResources())).ToList();
        try
        {
            await Task.WhenAll(plans.Select(p => api.Host.CreateAsync(p, new StageLog(), default))
                .Concat(others.Select(p => second.CreateAsync(p, new StageLog(), default))));

            var records = plans.Select(p => Store.Find(p.ContainerId)!).Concat(others.Select(p => secondStore.Find(p.ContainerId)!)).ToList();
            var uids = new List<int>();
            foreach (var r in records) uids.Add((await LocalUsers.IdAsync(r.UserName, default))!.Value.Uid);
            Assert.Equal(6, records.Select(r => r.UserName).Distinct().Count());
            Assert.Equal(6, uids.Distinct().Count());
            Assert.Equal(6, plans.Select(p => Store.DirectoryOf(p.ContainerId)).Concat(others.Select(p => secondStore.DirectoryOf(p.ContainerId))).Distinct().Count());
        }
        finally
        {
            foreach (var p in others) await second.DeleteAsync(p.ContainerId, new StageLog(), default);
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task AContainerOfThePreviousLayoutIsMovedIntoItsOwnNamespaceAtStartWithItsFilesKept()
    {
        if (!Isolated) return;
        var (record, _, _) = await CreateAsync();
        var marker = Path.Combine(Store.RootfsOf(record.ContainerId), "home", "dev", "workspace", "kept.txt");
        await File.WriteAllTextAsync(marker, "mine");
        await api.Host.StopAsync(record.ContainerId, new StageLog(), default);
        await LocalUsers.DeleteAsync(record.UserName, default);
        // What the previous version left: no init, a user named after the vmid owning the whole tree, and a process of
        // that user working in it (here a stand-in; the old agent was found by its command line).
        var old = Store.Find(record.ContainerId)! with { Vmid = 900_000 + Random.Shared.Next(90_000), Layout = 0, Running = true, Init = null };
        Store.Save(old);
        var (oldUid, oldGid) = await LocalUsers.EnsureAsync(old.UserName, "/nonexistent", 1_800_000_000, default);
        await LocalContainerStore.GiveToAsync(Store.RootfsOf(old.ContainerId), oldUid, oldGid, default);
        using var leftover = Process.Start(new ProcessStartInfo("setpriv", [$"--reuid={oldUid}", $"--regid={oldGid}", "--clear-groups", "sleep", "1000"])
            { WorkingDirectory = Path.GetDirectoryName(marker)! })!;
        await EventuallyAsync(() => Task.FromResult(LocalUsers.ProcessesOf(oldUid).Count > 0 ? (object)true : null));

        // The API starting again.
        await ActivatorUtilities.CreateInstance<LocalContainerHost>(api.Services).ReconcileAsync(default);

        var upgraded = Store.Find(old.ContainerId)!;
        Assert.Equal(LocalContainerRecord.CurrentLayout, upgraded.Layout);
        Assert.True(upgraded.Init is { IsRunning: true, PidNamespace: not null });
        Assert.Empty(LocalUsers.ProcessesOf(oldUid));
        Assert.Null(await LocalUsers.IdAsync(old.UserName, default));
        Assert.Equal("mine", await File.ReadAllTextAsync(marker));
        // The dev home went to the container's new user.
        Assert.Equal((await LocalUsers.IdAsync(upgraded.UserName, default))!.Value.Uid, OwnerOf(Path.GetDirectoryName(marker)!));
    }

    private static int OwnerOf(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%u", path]) { RedirectStandardOutput = true })!;
        return int.Parse(stat.StandardOutput.ReadToEnd().Trim());
    }

    private async Task<(LocalContainerRecord Record, int Uid, int Gid)> CreateAsync()
    {
        var plan = new ContainerPlan(Guid.NewGuid(), ContainerKind.Dev, new ContainerResources());
        await api.Host.CreateAsync(plan, new StageLog(), default);
        var record = Store.Find(plan.ContainerId)!;
        var (uid, gid) = (await LocalUsers.IdAsync(record.UserName, default))!.Value;
        return (record, uid, gid);
    }

    /// <summary>The game server as the container's agent reports it, or null while the agent does not answer.</summary>
    private async Task<ServerProcessStatus?> ServerAsync(Guid container)
    {
        var agent = (await api.Host.FindAgentAsync(container, default))!;
        using var http = new HttpClient(AgentConnection.CreateHandlerFor(agent)) { Timeout = TimeSpan.FromSeconds(5) };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(agent.BaseAddress, "status"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", agent.Token);
        try
        {
            using var response = await http.SendAsync(request);
            return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<AgentStatus>())?.Server : null;
        }
        catch (HttpRequestException) { return null; }
        catch (TaskCanceledException) { return null; }
    }

    /// <summary>Polls <paramref name="probe"/> until it has an answer (processes are not our children to wait for).</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } found) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException("the condition did not hold within 60 s");
    }
}
