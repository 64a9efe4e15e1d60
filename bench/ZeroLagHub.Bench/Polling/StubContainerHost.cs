using ZeroLagHub.Api.Hosts;

namespace ZeroLagHub.Bench.Polling;

/// <summary>
/// The host side of the benchmark: it only locates the stub agents. The containers themselves are real
/// rows in the directory; nothing here creates, starts or stops anything.
/// </summary>
internal sealed class StubContainerHost(IReadOnlyDictionary<Guid, AgentEndpoint> agents) : IContainerHost
{
    public ValueTask<AgentEndpoint?> FindAgentAsync(Guid containerId, CancellationToken ct) => ValueTask.FromResult(agents.GetValueOrDefault(containerId));

    public Task<HostedContainer> CreateAsync(ContainerPlan plan, StageLog log, CancellationToken ct) => throw Unsupported();

    public Task StartAsync(Guid containerId, StageLog log, CancellationToken ct) => throw Unsupported();

    public Task StopAsync(Guid containerId, StageLog log, CancellationToken ct) => throw Unsupported();

    public Task DeleteAsync(Guid containerId, StageLog log, CancellationToken ct) => throw Unsupported();

    private static NotSupportedException Unsupported() => new("the poller benchmark's host only locates agents");
}
