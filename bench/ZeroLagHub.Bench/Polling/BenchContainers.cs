using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Servers;
using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Bench.Polling;

/// <summary>
/// Game servers as a finished deployment leaves them: requested, created on the host, agent registered
/// (with the instance id its stub reports), provisioned. Written as their streams' events through the
/// store, so the inline container directory holds the rows the poller lists, as in the real system.
/// </summary>
internal static class BenchContainers
{
    private const int Writers = 8;

    /// <param name="owner">The owning user's id as the events carry it; the default is no account's (only admins may read them).</param>
    public static async Task SeedAsync(IEventStore store, IReadOnlyList<Guid> ids, CancellationToken ct, string owner = "bench-user",
        string correlationId = "poller-bench-seed")
    {
        var metadata = new EventMetadata(User: "bench", CorrelationId: correlationId);
        await Parallel.ForEachAsync(ids.Select((id, i) => (id, i)), new ParallelOptions { MaxDegreeOfParallelism = Writers, CancellationToken = ct },
            async (container, token) =>
            {
                var (id, index) = container;
                var deployment = Guid.CreateVersion7();
                var now = DateTimeOffset.UtcNow;
                var spec = new ContainerSpec(ContainerKind.Game, $"bench-{index}", "java", "21", [], new ServerSpec("java", ["-jar", "server.jar"]),
                    new ContainerResources());
                object[] events =
                [
                    new ContainerRequested(id, owner, ContainerKind.Game, spec, deployment, now),
                    new ContainerCreated(10_000 + index, "127.0.0.1", "bench", now),
                    new AgentRegistered(StubIdentity.InstanceOf(id), now),
                    new ProvisioningSucceeded(deployment, now),
                ];
                await store.AppendAsync(Container.StreamId(id), ExpectedVersion.NoStream, events, metadata, token);
            });
    }
}
