using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ZeroLagHub.Api.Artifacts;

namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// Containers as directories on this machine, each with one long-lived init (<see cref="ContainerInit"/>) that
/// owns the container's PID namespace and runs its agent on a loopback port with a token of its own. The init
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
                record = new LocalContainerRecord(plan.ContainerId, store.NextVmid(), plan.Kind, FreePort(),
                    RandomToken(), Running: true, Layout: LocalContainerRecord.CurrentLayout);
                store.Prepare(record);
                store.Save(record);
                log.Write($"created local container {record.Vmid} in {store.DirectoryOf(record.ContainerId)}");
            }
            else log.Write($"local container {record.Vmid} exists already");

            await EnsureRunningAsync(record with { Running = true }, log, ct);
            return new HostedContainer(record.ContainerId, record.Vmid, "127.0.0.1");
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

    public ValueTask<AgentEndpoint?> FindAgentAsync(Guid containerId, CancellationToken ct)
    {
        // A look-up on every IDE request, console and poll: it reads the record only. Resuming paused agents is
        // the start's (the health wait); a late pause cannot follow it, as a host pauses its agents once.
        if (store.Find(containerId) is not { } r) return ValueTask.FromResult<AgentEndpoint?>(null);
        return ValueTask.FromResult<AgentEndpoint?>(new AgentEndpoint(r.AgentAddress, r.AgentToken));
    }

    /// <summary>
    /// At the API's start: containers of the previous layout are moved into the current one, and those that
    /// should run and do not are started; running ones are found again from their recorded init and kept.
    /// </summary>
    public async Task ReconcileAsync(CancellationToken ct)
    {
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
                ? $"started local container {record.Vmid}: init pid {init.Pid}, agent on {record.AgentAddress}"
                : $"started local container {record.Vmid} in its own PID namespace: init pid {init.Pid}, agent on {record.AgentAddress}");
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
        var command = sandbox.Wrap(store.DirectoryOf(id), runDir, [Path.GetDirectoryName(agentDll)!, dotnetRoot], user,
            ContainerInit.Command(log,
                [Path.Combine(dotnetRoot, "dotnet"), agentDll, "--config", store.AgentConfigPath(id), "--urls", $"http://127.0.0.1:{record.AgentPort}"]));
        var home = sandbox.AgentIsRoot ? Path.Combine(store.RootfsOf(id), "var", "lib", "zlh-agent") : Path.Combine(store.RootfsOf(id), "home", "dev");
        return await ContainerInit.StartAsync(command, AgentEnvironment(dotnetRoot, home), log,
            sandbox.Bubblewrap is null ? null : store.InitStatusPath(id), ct);
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
    /// A container of the previous layout (its agent in the host's PID namespace, found by its command line, running
    /// as <c>zlh-c&lt;vmid&gt;</c>, a name another control plane on this host may use too): its processes are ended,
    /// found by the agent's command line and, for its user's, by their working directory or command line within
    /// this container's directory; the old user goes once nothing of it runs. Its files stay; the next start runs
    /// it in its own namespace.
    /// </summary>
    private async Task<LocalContainerRecord> UpgradeAsync(LocalContainerRecord record, StageLog log, CancellationToken ct)
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
            + $"to its own PID namespace and user {upgraded.UserName}; ended {(ended.Count > 0 ? string.Join(", ", ended) : "nothing")}");
        return upgraded;
    }

    private async Task WaitForHealthAsync(LocalContainerRecord record, StageLog log, CancellationToken ct)
    {
        using var client = http.CreateClient("local-agents");
        var deadline = DateTime.UtcNow + options.Value.AgentStartTimeout;
        string? last = null;
        DateTime? noAgentSince = null;
        while (DateTime.UtcNow < deadline)
        {
            // An init whose agent stays paused (a pause from an API instance that shut down late) is asked again.
            if (store.Find(record.ContainerId)?.Init is { IsRunning: true } init && init.Agent() is null)
            {
                noAgentSince ??= DateTime.UtcNow;
                if (DateTime.UtcNow - noAgentSince > TimeSpan.FromSeconds(3)) { await init.RestartAgentAsync(StopGrace, ct); noAgentSince = null; }
            }
            else noAgentSince = null;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(record.AgentAddress, "health"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", record.AgentToken);
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

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not bring back local container {Vmid}: {Reason}")]
    private static partial void LogReconcileFailed(ILogger logger, int vmid, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Upgraded local container {Vmid}: {Detail}")]
    private static partial void LogUpgraded(ILogger logger, int vmid, string detail);
}
