using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ZeroLagHub.Api.Artifacts;

namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// Containers as directories on this machine, each with its agent as a local process on a loopback
/// port with a token of its own. Agents are started detached (their own session, output to a file), so
/// a crashed API leaves them running and finds them again from <c>host.json</c> and <c>/proc</c>.
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
    private readonly SemaphoreSlim _lock = new(1, 1);

    public async Task<HostedContainer> CreateAsync(ContainerPlan plan, StageLog log, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            var record = store.Find(plan.ContainerId);
            if (record is null)
            {
                record = new LocalContainerRecord(plan.ContainerId, store.NextVmid(), plan.Kind, FreePort(),
                    RandomToken(), Running: true, Pid: null);
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
            var record = Require(containerId);
            store.Save(record with { Running = false, Pid = null });
            await StopAgentAsync(record, log, ct);
        }
        finally { _lock.Release(); }
    }

    public async Task DeleteAsync(Guid containerId, StageLog log, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            if (store.Find(containerId) is not { } record) { log.Write("no such local container: nothing to delete"); return; }
            await StopAgentAsync(record, log, ct);
            store.Delete(containerId);
            if (sandbox.PerContainerUsers) await LocalSandbox.DeleteUserAsync(UserName(record), ct);
            log.Write($"deleted local container {record.Vmid}");
        }
        finally { _lock.Release(); }
    }

    public ValueTask<AgentEndpoint?> FindAgentAsync(Guid containerId, CancellationToken ct) =>
        ValueTask.FromResult(store.Find(containerId) is { } r ? new AgentEndpoint(r.AgentAddress, r.AgentToken) : null);

    /// <summary>After an API restart: agents that should run and do not are started again; live ones are kept.</summary>
    public async Task ReconcileAsync(CancellationToken ct)
    {
        foreach (var record in store.All().Where(r => r.Running))
        {
            var log = new StageLog();
            try { await StartAsync(record.ContainerId, log, ct); }
            catch (Exception e) when (e is InvalidOperationException or IOException or TimeoutException)
            {
                LogReconcileFailed(logger, record.Vmid, e.Message);
            }
        }
    }

    /// <summary>Stops every running agent (a clean shutdown); their "running" wish is kept for the next start.</summary>
    public async Task StopAllAgentsAsync(CancellationToken ct)
    {
        foreach (var record in store.All())
            await StopAgentAsync(record, new StageLog(), ct);
    }

    private async Task EnsureRunningAsync(LocalContainerRecord record, StageLog log, CancellationToken ct)
    {
        var pid = AgentProcesses.Find(store.AgentConfigPath(record.ContainerId));
        if (pid is null)
        {
            // Written at every launch: the API's address (and so the artifact server's) may differ from
            // the run that created the container, e.g. a restarted API on another port.
            await WriteAgentConfigAsync(record, ct);
            pid = await LaunchAsync(record, ct);
            log.Write($"started agent of {record.Vmid} (pid {pid}) on {record.AgentAddress}");
        }
        store.Save(record with { Pid = pid });
        await WaitForHealthAsync(record, log, ct);
    }

    private async Task<int> LaunchAsync(LocalContainerRecord record, CancellationToken ct)
    {
        var agentDll = AgentBinary.Find(options.Value.AgentPath);
        var dotnetRoot = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var dotnet = Path.Combine(dotnetRoot, "dotnet");
        (int, int)? user = sandbox.PerContainerUsers ? await LocalSandbox.EnsureUserAsync(UserName(record), ct) : null;
        var runDir = store.PrepareRunDir(record.ContainerId);
        if (user is { } u)
        {
            await LocalContainerStore.GiveToAsync(store.RootfsOf(record.ContainerId), u.Item1, u.Item2, ct);
            await LocalContainerStore.GiveToAsync(runDir, u.Item1, u.Item2, ct);
        }

        var command = sandbox.Wrap(store.DirectoryOf(record.ContainerId), runDir, [Path.GetDirectoryName(agentDll)!, dotnetRoot], user,
            [dotnet, agentDll, "--config", store.AgentConfigPath(record.ContainerId), "--urls", $"http://127.0.0.1:{record.AgentPort}"]);

        // setsid: not in the API's session, so a Ctrl-C in the API's terminal or the API's death does not
        // reach the agent; the shell redirects output to a file, because a pipe to a dead API would kill it.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var arg in (string[])["-c", "exec setsid \"$@\" >>\"$ZLH_AGENT_LOG\" 2>&1 </dev/null", "zlh-agent", .. command])
            start.ArgumentList.Add(arg);
        start.Environment["ZLH_AGENT_LOG"] = store.AgentLogPath(record.ContainerId);
        start.Environment["HOME"] = Path.Combine(store.RootfsOf(record.ContainerId), "home", "dev");
        foreach (var secret in start.Environment.Keys.Where(k => k.StartsWith("ZLH_", StringComparison.Ordinal) && k != "ZLH_AGENT_LOG").ToList())
            start.Environment.Remove(secret); // the API's own settings (database, keys) are not the agent's business
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the agent");
        return process.Id;
    }

    private async Task WaitForHealthAsync(LocalContainerRecord record, StageLog log, CancellationToken ct)
    {
        using var client = http.CreateClient("local-agents");
        var deadline = DateTime.UtcNow + options.Value.AgentStartTimeout;
        string? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(record.AgentAddress, "health"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", record.AgentToken);
                using var response = await client.SendAsync(request, ct);
                if (response.IsSuccessStatusCode) { log.Write($"agent of {record.Vmid} is healthy"); return; }
                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException e) { last = e.Message; }
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
        var tail = store.AgentLogTail(record.ContainerId, 20);
        foreach (var line in tail) log.Write(line);
        throw new TimeoutException($"the agent of {record.Vmid} did not answer /health within {options.Value.AgentStartTimeout.TotalSeconds:0} s ({last})");
    }

    private async Task StopAgentAsync(LocalContainerRecord record, StageLog log, CancellationToken ct)
    {
        var config = store.AgentConfigPath(record.ContainerId);
        if (AgentProcesses.Find(config) is not { } pid) return;
        await AgentProcesses.TerminateAsync(config, TimeSpan.FromSeconds(10), ct);
        log.Write($"stopped agent of {record.Vmid} (pid {pid})");
    }

    private async Task WriteAgentConfigAsync(LocalContainerRecord record, CancellationToken ct)
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
            ["ArtifactServer"] = new Uri(api.Get(), "artifacts/").ToString(),
            ["ArtifactToken"] = artifactTokens.Issue(record.ContainerId),
        };
        await store.WriteAgentConfigAsync(record.ContainerId, JsonSerializer.Serialize(config), ct);
    }

    private LocalContainerRecord Require(Guid containerId) =>
        store.Find(containerId) ?? throw new InvalidOperationException($"the local host has no container {containerId}");

    private static string UserName(LocalContainerRecord record) => $"zlh-c{record.Vmid}";

    private static string RandomToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not bring back the agent of local container {Vmid}: {Reason}")]
    private static partial void LogReconcileFailed(ILogger logger, int vmid, string reason);
}
