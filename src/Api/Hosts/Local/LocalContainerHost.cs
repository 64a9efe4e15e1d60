using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ZeroLagHub.Api.Artifacts;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// Containers as directories on this machine, each with one long-lived init (<see cref="ContainerInit"/>) that
/// owns the container's namespaces and runs its agent on a Unix socket the control plane bound and handed to it (no
/// tenant can bind that address, as one could a freed loopback port), with a token of its own. The init
/// runs detached (its own session, output to a file), so a crashed API leaves containers running and finds
/// them again from what <c>host.json</c> recorded. Stop and delete end every process of the container.
/// </summary>
public sealed partial class LocalContainerHost(
    IOptions<LocalHostOptions> options,
    LocalContainerStore store,
    LocalSandbox sandbox,
    ArtifactTokens artifactTokens,
    ApiLoopbackAddress api,
    IHttpClientFactory http,
    ILogger<LocalContainerHost> logger) : IContainerHost
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private bool _agentsPaused;

    public async Task<HostedContainer> CreateAsync(ContainerPlan plan, StageLog log, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            var record = store.Find(plan.ContainerId);
            if (record is null)
            {
                if (sandbox.Refusal is { } refusal) throw Refused(refusal);
                var ports = plan.Ports ?? [];
                if (ports.Count > 0 && sandbox.Slirp4netns is null)
                    throw new ContainerHostRefusedException("this local host publishes no ports: its containers share the host's network (Hosts:Local:Sandbox is 'none' or the API does not run as root)",
                        new InvalidOperationException("no network namespaces"));
                if (TakenPort(ports, plan.ContainerId) is { } taken)
                    throw new ContainerHostRefusedException(taken, new InvalidOperationException(taken));
                record = new LocalContainerRecord(plan.ContainerId, store.NextVmid(), plan.Kind, AgentPort: 0,
                    RandomToken(), Running: true, Layout: LocalContainerRecord.CurrentLayout,
                    Ports: [.. ports.Select(p => new HostPort(p.Port, p.Protocol, p.Port))]);
                store.Prepare(record);
                store.Save(record);
                log.Write($"created local container {record.Vmid} in {store.DirectoryOf(record.ContainerId)}");
            }
            else log.Write($"local container {record.Vmid} exists already");

            await EnsureRunningAsync(record with { Running = true }, log, ct);
            return new HostedContainer(record.ContainerId, record.Vmid, "127.0.0.1", record.Ports is { Count: > 0 } published ? published : null);
        }
        finally { _lock.Release(); }
    }

    public async Task StartAsync(Guid containerId, StageLog log, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try { await EnsureRunningAsync(Require(containerId) with { Running = true }, log, ct); }
        finally { _lock.Release(); }
    }

    public async Task StopAsync(Guid containerId, StageLog log, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            var record = Require(containerId) with { Running = false };
            store.Save(record);
            await EndProcessesAsync(record, log, ct);
        }
        finally { _lock.Release(); }
    }

    public async Task DeleteAsync(Guid containerId, StageLog log, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            if (store.Find(containerId) is not { } record) { log.Write("no such local container: nothing to delete"); return; }
            await EndProcessesAsync(record, log, ct);
            // The user last, after its last process: its UID may go to another container only once nothing holds it.
            if (sandbox.PerContainerUsers && await LocalUsers.DeleteAsync(record.UserName, ct) is { Count: > 0 } stray)
                log.Write($"ended what still ran as {record.UserName}: {string.Join(", ", stray)}");
            store.Delete(containerId);
            log.Write($"deleted local container {record.Vmid}");
        }
        finally { _lock.Release(); }
    }

    /// <summary>
    /// Why <paramref name="ports"/> cannot be published for <paramref name="containerId"/> on this machine (each on the host
    /// port of its own number): another local container publishes it, or some other program holds it now. Null when all are free.
    /// </summary>
    public string? TakenPort(IReadOnlyList<PublishedPort> ports, Guid containerId)
    {
        var others = store.All().Where(r => r.ContainerId != containerId).ToList();
        var own = store.Find(containerId)?.Ports ?? [];
        // Invalid ones are the spec rules' to name; this container's own (a repeated request) are not taken.
        foreach (var port in ports.Where(p => p is { Port: >= 1 and <= 65535, Protocol: PublishedPort.Tcp or PublishedPort.Udp }
                     && !own.Any(o => o.Port == p.Port && o.Protocol == p.Protocol)))
        {
            if (others.FirstOrDefault(r => (r.Ports ?? []).Any(p => p.Published == port.Port && p.Protocol == port.Protocol)) is { } other)
                return $"host port {port} is already published by local container {other.Vmid}";
            if (!LocalNetwork.IsFree(port.Port, port.Protocol))
                return $"host port {port} is taken on this machine by another program";
        }
        return null;
    }

    public ValueTask<AgentEndpoint?> FindAgentAsync(Guid containerId, CancellationToken ct)
    {
        // A look-up on every IDE request, console and poll: it reads the record only. Resuming paused agents is
        // the start's (the health wait); a late pause cannot follow it, as a host pauses its agents once.
        return ValueTask.FromResult(store.Find(containerId) is { } r ? EndpointOf(r) : null);
    }

    /// <summary>
    /// The agent's socket; a container not yet moved to it (before its first start by this version) keeps its
    /// loopback port until then.
    /// </summary>
    private AgentEndpoint EndpointOf(LocalContainerRecord record) => record.Layout >= LocalContainerRecord.CurrentLayout
        ? AgentEndpoint.OnUnixSocket(store.AgentSocketPath(record.ContainerId), record.AgentToken)
        : new AgentEndpoint(new Uri($"http://127.0.0.1:{record.AgentPort}/"), record.AgentToken);

    private static ContainerHostRefusedException Refused(string refusal) =>
        new($"the local host runs no containers: {refusal}", new InvalidOperationException(refusal));

    /// <summary>
    /// At the API's start: containers of the previous layout are moved into the current one, and those that
    /// should run and do not are started; running ones are found again from their recorded init and kept.
    /// </summary>
    public async Task ReconcileAsync(CancellationToken ct)
    {
        // Running containers are left as they are: the operator installs what is missing and restarts the API.
        if (sandbox.Refusal is not null) return;
        foreach (var found in store.All())
        {
            var log = new StageLog();
            try
            {
                var record = found;
                if (record.Layout < LocalContainerRecord.CurrentLayout)
                {
                    await _lock.WaitAsync(ct);
                    try { record = await UpgradeAsync(record, log, ct); }
                    finally { _lock.Release(); }
                    LogUpgraded(logger, record.Vmid, string.Join("; ", log.Tail()));
                }
                if (record.Running) await StartAsync(record.ContainerId, log, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // One container's trouble must not keep the others from coming back.
                LogReconcileFailed(logger, found.Vmid, e.Message);
            }
        }
    }

    /// <summary>
    /// A clean shutdown: every agent is paused by its init (it would fetch from an API that is gone); the rest of each
    /// container, a game server above all, keeps running, and the next start resumes the agents. Once only: the host
    /// may stop its services twice (an application's own <c>Run</c> stops it again after whoever stopped it first),
    /// and a second, late pause would land after the next API instance resumed the agents.
    /// </summary>
    public async Task PauseAllAgentsAsync(CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            if (_agentsPaused) return;
            _agentsPaused = true;
            // At once, not one after another: each may take the whole grace period to end.
            await Task.WhenAll(store.All().Select(r => r.Init is { IsRunning: true } init ? init.PauseAgentAsync(StopGrace, ct) : Task.CompletedTask));
        }
        finally { _lock.Release(); }
    }

    private async Task EnsureRunningAsync(LocalContainerRecord record, StageLog log, CancellationToken ct)
    {
        if (sandbox.Refusal is { } refusal) throw Refused(refusal);
        if (record.Layout < LocalContainerRecord.CurrentLayout) record = await UpgradeAsync(record, log, ct);
        if (record.Init is { IsRunning: true } init)
        {
            log.Write($"local container {record.Vmid} runs (init pid {init.Pid})");
            // The API's address (the artifact server's) may have changed since the agent read its configuration,
            // and a clean shutdown of the API paused the agent.
            var changed = await WriteAgentConfigAsync(record, ct);
            if (changed || init.Agent() is null)
            {
                await init.RestartAgentAsync(StopGrace, ct);
                log.Write($"restarted the agent of {record.Vmid} through its init{(changed ? ": its configuration changed" : "")}");
            }
        }
        else
        {
            // Leftovers of an init that died (e.g. killed by hand) would outlive the new one: ended first.
            await EndProcessesAsync(record, log, ct);
            await WriteAgentConfigAsync(record, ct);
            init = await LaunchAsync(record, ct);
            log.Write(init.PidNamespace is null
                ? $"started local container {record.Vmid}: init pid {init.Pid}, agent on {store.AgentSocketPath(record.ContainerId)}"
                : $"started local container {record.Vmid} in its own {(sandbox.Slirp4netns is null ? "PID namespace" : "PID and network namespaces")}: "
                  + $"init pid {init.Pid}, agent on {store.AgentSocketPath(record.ContainerId)}");
        }
        store.Save(record with { Init = init });
        await WaitForHealthAsync(record, log, ct);
    }

    private async Task<ContainerInit> LaunchAsync(LocalContainerRecord record, CancellationToken ct)
    {
        var id = record.ContainerId;
        var agentDll = AgentBinary.Find(options.Value.AgentPath);
        var dotnetRoot = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var user = sandbox.PerContainerUsers
            ? await LocalUsers.EnsureAsync(record.UserName, Path.Combine(store.RootfsOf(id), "home", "dev"), options.Value.FirstUid, ct)
            : ((int, int)?)null;
        var runDir = store.PrepareRunDir(id);
        if (user is { } u && sandbox.AgentIsRoot)
        {
            await store.SplitOwnershipAsync(id, u.Item1, u.Item2, ct);
            store.OpenRunDirToTenant(id);
        }
        else if (user is { } v)
        {
            await LocalContainerStore.GiveToAsync(store.RootfsOf(id), v.Item1, v.Item2, ct);
            await LocalContainerStore.GiveToAsync(runDir, v.Item1, v.Item2, ct);
        }

        var log = store.PrepareAgentLog(id);
        var relay = ArtifactRelay.DirectoryUnder(options.Value.Root);
        Directory.CreateDirectory(relay);
        if (sandbox.Bubblewrap is not null) ContainerEtc.Copy("/etc", store.EtcOf(id), sandbox.Slirp4netns is null ? null : LocalNetwork.NameServer);
        var command = sandbox.Wrap(store.DirectoryOf(id), runDir, store.EtcOf(id), relay, [Path.GetDirectoryName(agentDll)!, dotnetRoot], user,
            ContainerInit.Command(log, [Path.Combine(dotnetRoot, "dotnet"), agentDll, "--config", store.AgentConfigPath(id)]));
        var home = sandbox.AgentIsRoot ? Path.Combine(store.RootfsOf(id), "var", "lib", "zlh-agent") : Path.Combine(store.RootfsOf(id), "home", "dev");

        // The API's copies of what the init gets go once it has them: the socket lives on in the container alone.
        using var socket = BindAgentSocket(id);
        var (exitRead, exitWrite) = DetachedSpawn.Pipe();
        using (exitRead)
        {
            ContainerInit init;
            using (exitWrite)
                init = await ContainerInit.StartAsync(command, AgentEnvironment(dotnetRoot, home), log,
                    sandbox.Bubblewrap is null ? null : store.InitStatusPath(id), ct,
                    [(socket.SafeHandle, ContainerInit.AgentSocketDescriptor), (exitWrite, ContainerInit.NetworkExitDescriptor)]);
            // Recorded at once: an API stopping now (its token cancelled) leaves a container it can find and end.
            store.Save(record with { Init = init, Running = true });
            if (sandbox.Slirp4netns is not { } slirp || init.PidNamespace is null) return init;
            try
            {
                await LocalNetwork.StartAsync(slirp, init.Pid, exitRead, store.NetworkSocketPath(id), log, ct);
                foreach (var port in record.Ports ?? [])
                {
                    try { await LocalNetwork.PublishAsync(store.NetworkSocketPath(id), port, ct); }
                    catch (InvalidOperationException e) { throw new ContainerHostRefusedException(e.Message, e); }
                }
                return init;
            }
            catch
            {
                // Unrecorded, it would run on with nobody to stop it.
                await init.EndAsync(StopGrace, CancellationToken.None);
                throw;
            }
        }
    }

    /// <summary>
    /// The agent's listening socket (<see cref="LocalContainerStore.AgentSocketPath"/>), root's and 0600. Bound under a
    /// temporary name and renamed into place: the address never goes missing (a stale socket of a stopped container is
    /// replaced at once), and .NET, which unlinks the path a listening socket was bound to when it is disposed, removes
    /// the temporary name, not the socket the container goes on listening on.
    /// </summary>
    private Socket BindAgentSocket(Guid id)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the control plane runs on Linux");
        var path = store.AgentSocketPath(id);
        var temporary = path + ".new";
        if (System.Text.Encoding.UTF8.GetByteCount(temporary) > 107)
            throw new InvalidOperationException($"the agent's socket path {path} is too long for a Unix socket (107 bytes): choose a shorter Hosts:Local:Root");
        File.Delete(temporary);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(temporary));
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            socket.Listen(128);
            File.Move(temporary, path, overwrite: true);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// All an agent gets of an environment (an allowlist): the API's own settings (database, keys), and whatever
    /// else its environment holds, are not the container's business.
    /// </summary>
    private static Dictionary<string, string> AgentEnvironment(string dotnetRoot, string home) => new()
    {
        ["PATH"] = $"{dotnetRoot}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ["HOME"] = home,
        ["LANG"] = "C.UTF-8",
        ["DOTNET_ROOT"] = dotnetRoot,
        // Agents idle nearly always: workstation GC keeps each small.
        ["DOTNET_gcServer"] = "0",
    };

    /// <summary>
    /// Ends every process of the container (its init's namespace or session, and anything running as its user)
    /// and waits until none is left; the stage log names what ran.
    /// </summary>
    private async Task EndProcessesAsync(LocalContainerRecord record, StageLog log, CancellationToken ct)
    {
        var ended = new List<HostProcess>();
        if (record.Init is { } init) ended.AddRange(await init.EndAsync(StopGrace, ct));
        if (sandbox.PerContainerUsers && await LocalUsers.IdAsync(record.UserName, ct) is { } id)
            ended.AddRange(await LocalUsers.EndAllAsync(id.Uid, ct));
        if (record.Init is not null && store.Find(record.ContainerId) is { } current) store.Save(current with { Init = null });
        if (ended.Count > 0)
            log.Write($"stopped local container {record.Vmid}: ended {string.Join(", ", ended.DistinctBy(p => p.Pid))}");
    }

    /// <summary>
    /// A container of layout 1 (an init and a PID namespace of its own, the host's network, its agent on a loopback port)
    /// is stopped, game server and all: a running process cannot be moved into another network namespace. Its files
    /// stay; the next start runs it in its own network namespace, its agent on the socket the control plane binds.
    /// </summary>
    private async Task<LocalContainerRecord> UpgradeAsync(LocalContainerRecord record, StageLog log, CancellationToken ct)
    {
        if (record.Layout == 0) return await UpgradeFromNoInitAsync(record, log, ct);
        await EndProcessesAsync(record, log, ct);
        var upgraded = record with { Init = null, Layout = LocalContainerRecord.CurrentLayout };
        store.Save(upgraded);
        log.Write($"moved local container {record.Vmid} from the host's network (its agent on loopback port {record.AgentPort}) "
            + "to a network namespace of its own, its agent on the control plane's socket");
        return upgraded;
    }

    /// <summary>
    /// A container of the first layout (its agent in the host's PID namespace, found by its command line, running
    /// as <c>zlh-c&lt;vmid&gt;</c>, a name another control plane on this host may use too): its processes are ended,
    /// found by the agent's command line and, for its user's, by their working directory or command line within
    /// this container's directory; the old user goes once nothing of it runs. Its files stay; the next start runs
    /// it in its own namespace.
    /// </summary>
    private async Task<LocalContainerRecord> UpgradeFromNoInitAsync(LocalContainerRecord record, StageLog log, CancellationToken ct)
    {
        var ended = new List<string>();
        if (await PreviousLayout.EndAgentAsync(store.AgentConfigPath(record.ContainerId), StopGrace, ct) is { } agent) ended.Add($"agent (pid {agent})");
        if (sandbox.PerContainerUsers && await LocalUsers.IdAsync(record.UserName, ct) is { } old)
        {
            ended.AddRange((await PreviousLayout.EndProcessesWithinAsync(old.Uid, store.DirectoryOf(record.ContainerId), ct)).Select(p => p.ToString()));
            if (LocalUsers.ProcessesOf(old.Uid).Count == 0) await LocalUsers.DeleteAsync(record.UserName, ct);
        }
        var upgraded = record with { Init = null, Layout = LocalContainerRecord.CurrentLayout };
        store.Save(upgraded);
        log.Write($"moved local container {record.Vmid} from the previous layout (no init, the host's PID namespace, user {record.UserName}) "
            + $"to its own namespaces and user {upgraded.UserName}; ended {(ended.Count > 0 ? string.Join(", ", ended) : "nothing")}");
        return upgraded;
    }

    private async Task WaitForHealthAsync(LocalContainerRecord record, StageLog log, CancellationToken ct)
    {
        using var client = http.CreateClient("local-agents");
        var agent = EndpointOf(record);
        var deadline = DateTime.UtcNow + options.Value.AgentStartTimeout;
        string? last = null;
        DateTime? noAgentSince = null;
        while (DateTime.UtcNow < deadline)
        {
            // An init whose agent stays paused (a pause from an API instance that shut down late) is asked again. Counted
            // from its traps on: a shell still starting (seconds under load) has no agent yet and would die of the SIGHUP.
            if (store.Find(record.ContainerId)?.Init is { IsRunning: true } init && init.ReadyShell() is not null && init.Agent() is null)
            {
                noAgentSince ??= DateTime.UtcNow;
                if (DateTime.UtcNow - noAgentSince > TimeSpan.FromSeconds(3)) { await init.RestartAgentAsync(StopGrace, ct); noAgentSince = null; }
            }
            else noAgentSince = null;
            try
            {
                using var request = agent.NewRequest(HttpMethod.Get, "health");
                using var response = await client.SendAsync(request, ct);
                if (response.IsSuccessStatusCode) { log.Write($"agent of {record.Vmid} is healthy"); return; }
                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException e) { last = e.Message; }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { last = "no answer within the client's timeout"; }
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
        var tail = store.AgentLogTail(record.ContainerId, 20);
        foreach (var line in tail) log.Write(line);
        throw new TimeoutException($"the agent of {record.Vmid} did not answer /health within {options.Value.AgentStartTimeout.TotalSeconds:0} s ({last})");
    }

    /// <summary>Writes the agent's configuration; returns whether it changed.</summary>
    private async Task<bool> WriteAgentConfigAsync(LocalContainerRecord record, CancellationToken ct)
    {
        var rootfs = store.RootfsOf(record.ContainerId);
        var config = new Dictionary<string, object>
        {
            ["ContainerId"] = record.ContainerId,
            ["Vmid"] = record.Vmid,
            ["Token"] = record.AgentToken,
            ["Kind"] = record.Kind.ToString(),
            ["ZlhRoot"] = Path.Combine(rootfs, "opt", "zlh"),
            ["DevHome"] = Path.Combine(rootfs, "home", "dev"),
            ["ServerRoot"] = Path.Combine(rootfs, "srv", "server"),
            ["DataDir"] = Path.Combine(rootfs, "var", "lib", "zlh-agent"),
            // code-server's socket is beneath it: a short path (a Unix socket's has at most 107 bytes).
            ["RunDir"] = sandbox.AgentRunDir(store.RunDirOf(record.ContainerId)),
            ["ArtifactServer"] = new Uri(await api.GetAsync(ct), "artifacts/").ToString(),
            // In its own network namespace the API's loopback address is out of reach: through the relay's socket.
            ["ArtifactSocket"] = sandbox.Slirp4netns is null ? "" : $"{LocalSandbox.ArtifactRelayInside}/{ArtifactRelay.SocketName}",
            ["ArtifactToken"] = artifactTokens.Issue(record.ContainerId),
        };
        // As root, the agent runs the container's code as the container's user.
        if (sandbox.AgentIsRoot) config["DevUser"] = record.UserName;
        var json = JsonSerializer.Serialize(config);
        if (store.ReadAgentConfig(record.ContainerId) == json) return false;
        await store.WriteAgentConfigAsync(record.ContainerId, json, ct);
        return true;
    }

    private LocalContainerRecord Require(Guid containerId) =>
        store.Find(containerId) ?? throw new InvalidOperationException($"the local host has no container {containerId}");

    private static string RandomToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [LoggerMessage(1, LogLevel.Warning, "Could not bring back local container {Vmid}: {Reason}")]
    private static partial void LogReconcileFailed(ILogger logger, int vmid, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Upgraded local container {Vmid}: {Detail}")]
    private static partial void LogUpgraded(ILogger logger, int vmid, string detail);
}
