using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Decisions;
using static ZeroLagHub.Domain.Tests.Containers.Scenario;

namespace ZeroLagHub.Domain.Tests.Containers;

/// <summary>The ports a container publishes: bounded, tcp or udp, each once; the host records where it published them.</summary>
public sealed class PublishedPortRulesTests
{
    private static IReadOnlyDictionary<string, string[]> FieldErrors(IReadOnlyList<PublishedPort> ports)
    {
        var spec = GameSpec() with { Ports = ports };
        var decision = Container.Decide(ContainerState.Initial, new CreateContainer(Guid.NewGuid(), ContainerId, DeploymentId, spec), As(Alice));
        return Rejected(decision, RejectionKind.InvalidInput).Errors!;
    }

    [Theory]
    [InlineData(0, "tcp", "ports[0].port")]
    [InlineData(65536, "udp", "ports[0].port")]
    [InlineData(25565, "sctp", "ports[0].protocol")]
    [InlineData(25565, "TCP", "ports[0].protocol")]
    public void AnInvalidPortIsNamedByItsField(int port, string protocol, string field) =>
        Assert.Contains(field, FieldErrors([new PublishedPort(port, protocol)]).Keys);

    [Fact]
    public void APortListedTwiceIsRejectedButTheSameNumberOverTcpAndUdpIsNot()
    {
        var errors = FieldErrors([new PublishedPort(25565), new PublishedPort(25565, PublishedPort.Udp), new PublishedPort(25565, PublishedPort.Tcp)]);
        Assert.Equal(["ports[2]"], errors.Keys.Where(k => k.StartsWith("ports", StringComparison.Ordinal)));
        Assert.Contains("25565/tcp is listed twice", errors["ports[2]"][0]);
    }

    [Fact]
    public void MoreThanTheLimitOfPortsIsRejected() =>
        Assert.Contains("ports", FieldErrors([.. Enumerable.Range(1000, ContainerSpecRules.MaxPorts + 1).Select(p => new PublishedPort(p))]).Keys);

    [Fact]
    public void ValidPortsAreRecordedWithTheSpecAndWherePublishedFoldsIntoTheState()
    {
        var spec = GameSpec() with { Ports = [new PublishedPort(25565), new PublishedPort(19132, PublishedPort.Udp)] };
        var (errors, normalized) = ContainerSpecRules.Check(spec, Catalog);
        Assert.Empty(errors);
        Assert.Equal(spec.Ports, normalized.Ports);

        var state = Container.Evolve(ContainerState.Initial, new PortsPublished([new HostPort(25565, "tcp", 25565)], DateTimeOffset.UnixEpoch));
        Assert.Equal("25565->25565/tcp", Assert.Single(state.PublishedPorts).ToString());
    }
}
