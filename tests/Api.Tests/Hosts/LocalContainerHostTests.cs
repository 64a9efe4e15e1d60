using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using ZeroLagHub.Api.Artifacts;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Hosts.Local;
using ZeroLagHub.Api.Tests.Status;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Tests.Hosts;

/// <summary>Real agents as local processes, started, stopped and deleted by the API's local host.</summary>
public sealed class LocalContainerHostTests(LocalHostFixture api) : IClassFixture<LocalHostFixture>
{
    private static ContainerPlan Plan(ContainerKind kind = ContainerKind.Dev) => new(Guid.NewGuid(), kind, new ContainerResources());

    [Fact]
    public async Task CreateStartsAHealthyAgentAndARepeatedCreateReturnsTheSameContainer()
    {
        var plan = Plan();
        var first = await api.Host.CreateAsync(plan, new StageLog(), default);
        var pid = AgentPid(plan.ContainerId);

        var again = await api.Host.CreateAsync(plan, new StageLog(), default);

        Assert.Equal(first, again);
        Assert.Equal(pid, AgentPid(plan.ContainerId));
        var health = await AgentGet(plan.ContainerId, "health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task EachContainerGetsItsOwnVmidPortAndToken()
    {
        var a = Plan();
        var b = Plan();
        var hostedA = await api.Host.CreateAsync(a, new StageLog(), default);
        var hostedB = await api.Host.CreateAsync(b, new StageLog(), default);
        var agentA = (await api.Host.FindAgentAsync(a.ContainerId, default))!;
        var agentB = (await api.Host.FindAgentAsync(b.ContainerId, default))!;

        Assert.NotEqual(hostedA.Vmid, hostedB.Vmid);
        Assert.NotEqual(agentA.BaseAddress, agentB.BaseAddress);
        Assert.NotEqual(agentA.Token, agentB.Token);
        // A's token does not open B's agent.
        using var client = new HttpClient(AgentConnection.CreateHandlerFor(agentB));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(agentB.BaseAddress, "status"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", agentA.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task StopEndsTheAgentAndStartBringsItBack()
    {
        var plan = Plan();
        await api.Host.CreateAsync(plan, new StageLog(), default);

        var log = new StageLog();
        await api.Host.StopAsync(plan.ContainerId, log, default);
        Assert.Null(AgentPid(plan.ContainerId));
        Assert.Contains(log.Tail(), l => l.StartsWith("stopped local container", StringComparison.Ordinal) && l.Contains("dotnet", StringComparison.Ordinal));

        await api.Host.StartAsync(plan.ContainerId, new StageLog(), default);
        Assert.NotNull(AgentPid(plan.ContainerId));
        Assert.Equal(HttpStatusCode.OK, (await AgentGet(plan.ContainerId, "health")).StatusCode);
    }

    [Fact]
    public async Task DeleteRemovesTheAgentAndItsFilesAndIsIdempotent()
    {
        var plan = Plan();
        await api.Host.CreateAsync(plan, new StageLog(), default);
        var store = api.Services.GetRequiredService<LocalContainerStore>();
        var dir = store.DirectoryOf(plan.ContainerId);

        await api.Host.DeleteAsync(plan.ContainerId, new StageLog(), default);
        await api.Host.DeleteAsync(plan.ContainerId, new StageLog(), default);

        Assert.False(Directory.Exists(dir));
        Assert.Null(AgentPid(plan.ContainerId, store));
        Assert.Null(await api.Host.FindAgentAsync(plan.ContainerId, default));
    }

    [Fact]
    public async Task ADeletedContainersProcessesLeaveNoZombieBehind()
    {
        var plan = Plan();
        await api.Host.CreateAsync(plan, new StageLog(), default);
        // What the API started for this container (its init, slirp4netns): its own children, named by the container's
        // directory on their command lines. Orphaned instead, they would be reaped, or not, by whatever pid 1 is.
        var spawned = Children().Where(c => c.CommandLine.Contains(plan.ContainerId.ToString(), StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(spawned);

        await api.Host.DeleteAsync(plan.ContainerId, new StageLog(), default);

        // Reaped a moment after they die: waited for, not slept on. A zombie keeps its /proc entry.
        await StatusSteps.EventuallyAsync(() => Task.FromResult(spawned.All(c => !Directory.Exists($"/proc/{c.Pid}")) ? "" : null),
            $"the pids of {string.Join(", ", spawned.Select(c => c.Pid))} to be released");
        Assert.DoesNotContain(Children(), c => c.State == "Z" && spawned.Any(s => s.Pid == c.Pid));
    }

    /// <summary>This process's children as <c>/proc</c> shows them, zombies (state Z) included.</summary>
    private static List<(int Pid, string State, string CommandLine)> Children()
    {
        var children = new List<(int, string, string)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[1] != Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)) continue;
                children.Add((pid, fields[0], File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ')));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }   // gone meanwhile
        }
        return children;
    }

    [Fact]
    public async Task TheAgentProvisionsARuntimeFromTheApisArtifactServer()
    {
        var plan = Plan();
        await api.Host.CreateAsync(plan, new StageLog(), default);

        var response = await AgentPost(plan.ContainerId, "provision", new ProvisionRequest(ContainerKind.Dev, "node", "24", [], null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<ProvisionResult>())!;
        Assert.Contains(result.Installs, i => i.Name == "node" && i.Version == "24");
    }

    [Fact]
    public async Task ArtifactsNeedAnAgentsArtifactTokenAndStayInTheirDirectory()
    {
        using var client = api.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/artifacts/_catalog.json")).StatusCode);

        var token = api.Services.GetRequiredService<ArtifactTokens>().Issue(Guid.NewGuid());
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var catalog = (await client.GetFromJsonAsync<RuntimeCatalog>("/artifacts/_catalog.json"))!;
        Assert.NotNull(catalog.FindRuntime("java", "21"));
        Assert.Equal("jdk", catalog.FindRuntime("java", "21")!.ArchivePrefix);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/artifacts/..%2Fauth-signing.key")).StatusCode);
        // One character inside the signature changed for another: replacing the last two with "00" was no change when
        // they already read so (or differed only in base64's unused trailing bits), and the tampered token passed.
        var tampered = token.ToCharArray();
        tampered[^5] = tampered[^5] == 'A' ? 'B' : 'A';
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", new string(tampered));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/artifacts/_catalog.json")).StatusCode);
    }

    [Fact]
    public async Task AnotherApiInstanceFindsTheRunningAgentsAgainInsteadOfStartingNewOnes()
    {
        var plan = Plan();
        var hosted = await api.Host.CreateAsync(plan, new StageLog(), default);
        var pid = AgentPid(plan.ContainerId);

        // A second host over the same directory is what an API restarted after a crash sees.
        var second = ActivatorUtilities.CreateInstance<LocalContainerHost>(api.Services);
        Assert.Equal(hosted, await second.CreateAsync(plan, new StageLog(), default));
        Assert.Equal(pid, AgentPid(plan.ContainerId));
    }

    [Fact]
    public async Task AsRootTheAgentKeepsFewCapabilitiesAndCannotSeeTheApisKeys()
    {
        if (Environment.UserName != "root") return; // the isolation needs root; unprivileged runs are single-user by design
        var plan = Plan();
        await api.Host.CreateAsync(plan, new StageLog(), default);
        var pid = AgentPid(plan.ContainerId)!.Value;

        var status = File.ReadLines($"/proc/{pid}/status").ToDictionary(l => l.Split(':')[0], l => l.Split(':', 2)[1].Trim());
        var key = Path.Combine(api.DataDirectory, "auth-signing.key");
        Assert.True(File.Exists(key));
        if (api.Services.GetRequiredService<LocalSandbox>().Bubblewrap is null) return;
        // Root without CAP_SYS_ADMIN (bit 21) and with no_new_privs: it cannot mount its way out, nor regain what it dropped.
        Assert.Equal(0UL, Convert.ToUInt64(status["CapEff"], 16) & (1UL << 21));
        Assert.Equal("1", status["NoNewPrivs"]);
        // The agent's view of the filesystem: its own tree is there, the API's data directory is not.
        Assert.True(Directory.Exists($"/proc/{pid}/root{api.Services.GetRequiredService<LocalContainerStore>().RootfsOf(plan.ContainerId)}"));
        Assert.False(File.Exists($"/proc/{pid}/root{key}"));
    }

    private int? AgentPid(Guid containerId, LocalContainerStore? store = null) =>
        LocalContainerProbe.Agent((store ?? api.Services.GetRequiredService<LocalContainerStore>()).Find(containerId))?.Pid;

    private async Task<HttpResponseMessage> AgentGet(Guid containerId, string path)
    {
        var agent = (await api.Host.FindAgentAsync(containerId, default))!;
        using var client = new HttpClient(AgentConnection.CreateHandlerFor(agent));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(agent.BaseAddress, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", agent.Token);
        return await client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> AgentPost<T>(Guid containerId, string path, T body)
    {
        var agent = (await api.Host.FindAgentAsync(containerId, default))!;
        using var client = new HttpClient(AgentConnection.CreateHandlerFor(agent)) { Timeout = TimeSpan.FromMinutes(2) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(agent.BaseAddress, path)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", agent.Token);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return await client.SendAsync(request);
    }
}
