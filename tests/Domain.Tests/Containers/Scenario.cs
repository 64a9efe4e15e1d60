using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Decisions;
using ZeroLagHub.Domain.Deployments;
using ZeroLagHub.Domain.Servers;

namespace ZeroLagHub.Domain.Tests.Containers;

/// <summary>Given-events / when-command / then-events fixtures shared by the container and deployment tests.</summary>
internal static class Scenario
{
    public const string Alice = "alice";
    public const string Bob = "bob";
    public static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-23T08:00:00Z");
    public static readonly Guid ContainerId = Guid.Parse("6f1c2a34-0000-4000-8000-000000000001");
    public static readonly Guid DeploymentId = Guid.Parse("6f1c2a34-0000-4000-8000-0000000000d1");

    public static RuntimeCatalog Catalog { get; } = new(
        new Dictionary<string, IReadOnlyDictionary<string, CatalogArtifact>>
        {
            ["node"] = Versions("node", "22", "24"),
            ["java"] = new Dictionary<string, CatalogArtifact> { ["21"] = Artifact("jdk", "21") },
        },
        new Dictionary<string, IReadOnlyDictionary<string, CatalogArtifact>>
        {
            ["code-server"] = Versions("code-server", "4.96.4", "4.100.0"),
        });

    public static DecisionContext As(string user, DateTimeOffset? now = null, bool admin = false) =>
        new(now ?? T0, Catalog, new Actor(user, admin));

    public static ContainerSpec DevSpec(string name = "my-dev") =>
        new(ContainerKind.Dev, name, "node", "24", ["code-server"], null, new ContainerResources());

    public static ContainerSpec GameSpec(string name = "my-game") =>
        new(ContainerKind.Game, name, "java", "21", [], new ServerSpec("java", ["-jar", "server.jar"]), new ContainerResources(2, 4096, 16));

    public static ContainerState Fold(params object[] events) => events.Aggregate(ContainerState.Initial, Container.Evolve);

    public static DeploymentState FoldDeployment(params object[] events) => events.Aggregate(DeploymentState.Initial, Deployment.Evolve);

    public static ContainerRequested Requested(ContainerSpec spec, string owner = Alice) =>
        new(ContainerId, owner, spec.Kind, spec, DeploymentId, T0);

    /// <summary>A container of <paramref name="spec"/>'s kind that finished provisioning, owned by Alice.</summary>
    public static object[] Provisioned(ContainerSpec spec) =>
    [
        Requested(spec),
        new ContainerCreated(101, "127.0.0.1", "local", T0.AddSeconds(2)),
        new AgentRegistered(Guid.NewGuid(), T0.AddSeconds(4)),
        new ProvisioningSucceeded(DeploymentId, T0.AddSeconds(30)),
    ];

    public static ContainerState ReadyDev() => Fold(Provisioned(DevSpec()));

    public static ContainerState ReadyGame() => Fold(Provisioned(GameSpec()));

    public static ContainerState With(this ContainerState state, params object[] events) => events.Aggregate(state, Container.Evolve);

    public static Rejection Rejected(Decision decision, RejectionKind kind)
    {
        Assert.False(decision.IsAccepted, "expected a rejection, got events: " + string.Join(", ", decision.Events));
        Assert.Empty(decision.Events);
        Assert.Equal(kind, decision.Rejection!.Kind);
        return decision.Rejection;
    }

    public static T Single<T>(Decision decision)
    {
        Assert.True(decision.IsAccepted, decision.Rejection?.Reason);
        return Assert.IsType<T>(Assert.Single(decision.Events));
    }

    public static void NothingToDo(Decision decision)
    {
        Assert.True(decision.IsAccepted, decision.Rejection?.Reason);
        Assert.Empty(decision.Events);
    }

    private static Dictionary<string, CatalogArtifact> Versions(string prefix, params string[] versions) =>
        versions.ToDictionary(v => v, v => Artifact(prefix, v));

    private static CatalogArtifact Artifact(string prefix, string version) =>
        new($"{prefix}-{version}.tar.gz", prefix, new string('a', 64), 1024);
}
