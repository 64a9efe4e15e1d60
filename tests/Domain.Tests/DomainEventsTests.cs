using System.Text.Json;
using System.Text.RegularExpressions;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Deployments;
using ZeroLagHub.Domain.Servers;
using static ZeroLagHub.Domain.Tests.Containers.Scenario;

namespace ZeroLagHub.Domain.Tests;

/// <summary>The registry is what the event store stores names from; a mistake here corrupts history.</summary>
public sealed partial class DomainEventsTests
{
    private static readonly Guid Id = Guid.Parse("6f1c2a34-0000-4000-8000-0000000000e1");

    /// <summary>One realistic instance of every event, with every optional field set.</summary>
    private static readonly object[] Samples =
    [
        Requested(GameSpec() with { Addons = ["code-server@4.100.0"] }),
        new ContainerCreated(101, "10.0.0.5", "pve1", T0),
        new PortsPublished([new HostPort(25565, PublishedPort.Tcp, 25565)], T0),
        new ProvisioningSucceeded(Id, T0),
        new ProvisioningFailed(Id, DeploymentStage.InstallRuntime, "checksum mismatch", T0),
        new ReprovisionRequested(Id, Alice, T0),
        new ContainerStopped(Alice, T0),
        new ContainerStarted(Alice, T0),
        new ContainerDeleted(Alice, T0),
        new AgentRegistered(Id, T0),
        new AgentWentOffline(T0),
        new AgentCameBack(Id, T0),
        new AgentRestarted(Id, Guid.Parse("6f1c2a34-0000-4000-8000-0000000000e2"), T0),
        new AgentJournalReset(Id, 41, Guid.Parse("6f1c2a34-0000-4000-8000-0000000000e3"), 3, T0),
        new RuntimeInstallStarted("java", "21", T0),
        new RuntimeInstallSucceeded("java", "21", ["ok"], T0),
        new RuntimeInstallFailed("java", "21", "checksum mismatch", ["sha256 differs"], T0),
        new AddonInstalled("code-server", "4.100.0", T0),
        new DevEnvironmentReady(T0),
        new ServerFilesInstalled(T0),
        new CodeServerStartRequested(Alice, Id, T0),
        new CodeServerStopRequested(Alice, Id, T0),
        new CodeServerRestartRequested(Alice, Id, T0),
        new CodeServerStarted(T0),
        new CodeServerStopped(T0),
        new CodeServerDied(1, ["EADDRINUSE"], T0),
        new ServerStartRequested(Alice, Id, T0),
        new ServerStopRequested(Alice, Id, T0),
        new ServerRestartRequested(Alice, Id, T0),
        new ServerKillRequested(Alice, Id, T0),
        new ServerStarted(T0),
        new ServerStopped(T0),
        new ServerCrashed(T0, 137, 9, 12.5, ["java.lang.OutOfMemoryError"], CrashClassification.Oom),
        new RestartScheduled(TimeSpan.FromSeconds(30), T0),
        new EnteredError("crashed 3 times in a row", T0),
        new DeploymentQueued(Id, ContainerId, Alice, ContainerKind.Dev, DevSpec(), DeploymentPlan.Dev, T0),
        new StageStarted(DeploymentStage.WaitForAgent, T0),
        new StageSucceeded(DeploymentStage.WaitForAgent, T0, TimeSpan.FromMilliseconds(1500), ["agent up"]),
        new StageFailed(DeploymentStage.InstallAddons, T0, TimeSpan.FromSeconds(2), "not found", ["404"]),
        new DeploymentSucceeded(T0, TimeSpan.FromMinutes(2)),
        new DeploymentFailed(DeploymentStage.InstallAddons, "not found", T0),
        new DeploymentCancelled(Alice, T0),
    ];

    public static TheoryData<string> Names() => [.. DomainEvents.All.Select(e => e.Name)];

    [Fact]
    public void EveryEventTypeOfTheAssemblyIsListedExactlyOnce()
    {
        var eventTypes = typeof(DomainEvents).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } &&
                        (typeof(IContainerEvent).IsAssignableFrom(t) || typeof(IDeploymentEvent).IsAssignableFrom(t)))
            .ToHashSet();

        Assert.Equal(DomainEvents.All.Count, DomainEvents.All.Select(e => e.ClrType).Distinct().Count());
        Assert.Equal(eventTypes.OrderBy(t => t.Name), DomainEvents.All.Select(e => e.ClrType).OrderBy(t => t.Name));
    }

    [Fact]
    public void NamesAreUniqueStreamPrefixedSnakeCaseAtSchemaVersionOne()
    {
        Assert.Equal(DomainEvents.All.Count, DomainEvents.All.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(DomainEvents.All, e =>
        {
            Assert.Matches(StableName(), e.Name);
            Assert.Equal(1, e.SchemaVersion);
            var stream = typeof(IDeploymentEvent).IsAssignableFrom(e.ClrType) ? "deployment." : "container.";
            Assert.StartsWith(stream, e.Name);
        });
    }

    [Fact]
    public void SomeNamesArePinnedBecauseStoredHistoryUsesThem()
    {
        Assert.Equal("container.requested", DomainEvents.NameOf(typeof(ContainerRequested)));
        Assert.Equal("container.server_crashed", DomainEvents.NameOf(typeof(ServerCrashed)));
        Assert.Equal("deployment.stage_succeeded", DomainEvents.NameOf(typeof(StageSucceeded)));
        Assert.Throws<ArgumentException>(() => DomainEvents.NameOf(typeof(ContainerState)));
    }

    [Fact]
    public void EveryRegisteredTypeHasASampleHere()
    {
        Assert.Equal(DomainEvents.All.Select(e => e.ClrType).OrderBy(t => t.Name), Samples.Select(s => s.GetType()).OrderBy(t => t.Name));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryEventRoundTripsThroughWebJson(string name)
    {
        var type = DomainEvents.All.Single(e => e.Name == name).ClrType;
        var sample = Samples.Single(s => s.GetType() == type);

        var json = JsonSerializer.Serialize(sample, type, JsonSerializerOptions.Web);
        var back = JsonSerializer.Deserialize(json, type, JsonSerializerOptions.Web)!;

        // Records holding lists compare those by reference, so compare the stored form instead.
        Assert.Equal(json, JsonSerializer.Serialize(back, type, JsonSerializerOptions.Web));
        Assert.Contains("\"at\":", json);
        Assert.DoesNotContain("\"At\":", json);
    }

    [Fact]
    public void EnumsAreStoredAsStableStringsNotNumbers()
    {
        var crash = JsonSerializer.Serialize(Samples.OfType<ServerCrashed>().Single(), JsonSerializerOptions.Web);
        var queued = JsonSerializer.Serialize(Samples.OfType<DeploymentQueued>().Single(), JsonSerializerOptions.Web);

        Assert.Contains("\"classification\":\"oom\"", crash);
        Assert.Contains("\"kind\":\"Dev\"", queued);
        Assert.Contains("\"stages\":[\"create_container\",\"wait_for_agent\",\"install_runtime\",\"install_addons\",\"start_code_server\",\"ready\"]", queued);
    }

    [Fact]
    public void ARequestedGameServerKeepsItsServerSettingsThroughStorage()
    {
        var requested = Samples.OfType<ContainerRequested>().Single();
        var back = JsonSerializer.Deserialize<ContainerRequested>(JsonSerializer.Serialize(requested, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!;

        Assert.Equal(requested.Spec.Server!.Command, back.Spec.Server!.Command);
        Assert.Equal(requested.Spec.Server.Args, back.Spec.Server.Args);
        Assert.Equal(requested.Spec.Resources, back.Spec.Resources);
        Assert.Equal(requested.Spec.Addons, back.Spec.Addons);
    }

    [GeneratedRegex("^[a-z]+\\.[a-z_]+$")]
    private static partial Regex StableName();
}
