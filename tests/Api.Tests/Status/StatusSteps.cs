using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Hosts.Local;
using ZeroLagHub.Api.Tests.Hosts;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Servers;
using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Api.Tests.Status;

/// <summary>Containers with real agents on the local host, their journals and their streams, as test steps.</summary>
public static class StatusSteps
{
    /// <summary>
    /// A provisioned container: its agent started by the local host, its stream written as a finished
    /// deployment would leave it (without running the installs, which these tests do not need).
    /// </summary>
    public static async Task<Guid> ProvisionedAsync(this PollerFixture api, ContainerKind kind)
    {
        var id = Guid.NewGuid();
        var hosted = await api.Host.CreateAsync(new ContainerPlan(id, kind, new ContainerResources()), new StageLog(), default);
        var health = await HealthAsync(api, id);
        await JournalPageAsync(api, id);   // the agent opens its journal files, owned by its user, before a test appends to them
        var deployment = Guid.NewGuid();
        var spec = new ContainerSpec(kind, "status-test", "java", "21", [],
            kind == ContainerKind.Game ? new ServerSpec("bash", ["start.sh"]) : null, new ContainerResources());
        var now = DateTimeOffset.UtcNow;
        await api.Store.AppendAsync(Container.StreamId(id), ExpectedVersion.NoStream,
        [
            new ContainerRequested(id, "owner-" + id.ToString("N")[..8], kind, spec, deployment, now),
            new ContainerCreated(hosted.Vmid, hosted.Address, "local", now),
            new AgentRegistered(health.InstanceId, now),
            new ProvisioningSucceeded(deployment, now),
        ], EventMetadata.None);
        return id;
    }

    /// <summary>
    /// A ready container whose agent is not on the local host (a test's stand-in answers for it): only its
    /// stream, as a finished deployment leaves it, with the agent registered as <paramref name="instance"/>.
    /// </summary>
    public static async Task<Guid> StandInAsync(this ApiHostFixture api, ContainerKind kind, Guid instance, Guid? containerId = null)
    {
        var (id, deployment, now) = (containerId ?? Guid.NewGuid(), Guid.NewGuid(), DateTimeOffset.UtcNow);
        var spec = new ContainerSpec(kind, "stand-in", "java", "21", [],
            kind == ContainerKind.Game ? new ServerSpec("bash", ["start.sh"]) : null, new ContainerResources());
        await api.Services.GetRequiredService<IEventStore>().AppendAsync(Container.StreamId(id), ExpectedVersion.NoStream,
        [
            new ContainerRequested(id, "owner-" + id.ToString("N")[..8], kind, spec, deployment, now),
            new ContainerCreated(9000 + Random.Shared.Next(1000), "127.0.0.1", "stand-in", now),
            new AgentRegistered(instance, now),
            new ProvisioningSucceeded(deployment, now),
        ], EventMetadata.None);
        return id;
    }

    public static async Task<AgentHealth> HealthAsync(this LocalHostFixture api, Guid id)
    {
        var agent = (await api.Host.FindAgentAsync(id, default))!;
        using var client = new HttpClient(AgentConnection.CreateHandlerFor(agent));
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", agent.Token);
        return (await client.GetFromJsonAsync<AgentHealth>(new Uri(agent.BaseAddress, "health"), JsonSerializerOptions.Web))!;
    }

    public static async Task<JournalPage> JournalPageAsync(this LocalHostFixture api, Guid id)
    {
        var agent = (await api.Host.FindAgentAsync(id, default))!;
        using var client = new HttpClient(AgentConnection.CreateHandlerFor(agent));
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", agent.Token);
        return (await client.GetFromJsonAsync<JournalPage>(new Uri(agent.BaseAddress, "journal"), JsonSerializerOptions.Web))!;
    }

    /// <summary>The container stream's events after the first four (the provisioning above).</summary>
    public static async Task<List<object>> LaterEventsAsync(this PollerFixture api, Guid id)
    {
        var events = new List<object>();
        await foreach (var e in api.Store.ReadStreamAsync(Container.StreamId(id), fromVersion: 5)) events.Add(e.Data);
        return events;
    }

    private static string JournalDirectory(PollerFixture api, Guid id) =>
        Path.Combine(api.Services.GetRequiredService<LocalContainerStore>().RootfsOf(id), "var", "lib", "zlh-agent", "journal");

    /// <summary>
    /// Appends entries to a stopped agent's journal file in the agent's own format: what it wrote and
    /// fsynced before the poller could read it. The agent serves them after its restart.
    /// </summary>
    public static void Journal(this PollerFixture api, Guid id, params (string Kind, object Data)[] entries)
    {
        var path = Path.Combine(JournalDirectory(api, id), "journal.jsonl");
        var seq = File.Exists(path) ? File.ReadLines(path).LongCount() : 0;
        using var file = new StreamWriter(path, append: true);
        foreach (var (kind, data) in entries)
        {
            var entry = new JournalEntry(++seq, DateTimeOffset.UtcNow, kind, JsonSerializer.SerializeToElement(data, JsonSerializerOptions.Web));
            file.Write(JsonSerializer.Serialize(entry, JsonSerializerOptions.Web) + "\n");
        }
    }

    /// <summary>A snapshot restore of another container's disk: a journal with a new id and no entries.</summary>
    public static void ReplaceJournal(this PollerFixture api, Guid id)
    {
        var dir = JournalDirectory(api, id);
        File.WriteAllText(Path.Combine(dir, "journal.id"), Guid.NewGuid().ToString());
        File.WriteAllText(Path.Combine(dir, "journal.jsonl"), "");
    }

    public static (string, object) Line(string kind, object data) => (kind, data);

    public static (string, object) Crashed(CrashClassification classification, int? exitCode, int? signal, params string[] tail) =>
        ("server.crashed", new
        {
            pid = 4242, at = DateTimeOffset.UtcNow, exitCode, signal, uptimeSeconds = 3.5,
            classification = JsonSerializer.Serialize(classification).Trim('"'), consecutiveCrashes = 1, logTail = tail,
        });

    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, double seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } found) return found;
            await Task.Delay(100);
        }
        throw new TimeoutException($"timed out waiting for {what}");
    }
}
