using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Decisions;
using ZeroLagHub.Domain.Servers;
using static ZeroLagHub.Domain.Tests.Containers.Scenario;

namespace ZeroLagHub.Domain.Tests.Containers;

public sealed class CreateContainerTests
{
    private static Decision Create(ContainerSpec spec, ContainerState? state = null) =>
        Container.Decide(state ?? ContainerState.Initial,
            new CreateContainer(Guid.NewGuid(), ContainerId, DeploymentId, spec), As(Alice));

    private static IReadOnlyDictionary<string, string[]> FieldErrors(ContainerSpec spec)
    {
        var rejection = Rejected(Create(spec), RejectionKind.InvalidInput);
        Assert.NotNull(rejection.Errors);
        return rejection.Errors;
    }

    [Fact]
    public void AValidDevSpecIsRequestedForTheActingUserWithItsDeployment()
    {
        var requested = Single<ContainerRequested>(Create(DevSpec()));

        Assert.Equal(ContainerId, requested.ContainerId);
        Assert.Equal(Alice, requested.Owner);
        Assert.Equal(ContainerKind.Dev, requested.Kind);
        Assert.Equal(DeploymentId, requested.DeploymentId);
        Assert.Equal(T0, requested.At);
        Assert.Equal("node", requested.Spec.Runtime);
    }

    [Fact]
    public void AddonsAreRecordedPinnedToTheCatalogsHighestVersionUnlessGiven()
    {
        var unpinned = Single<ContainerRequested>(Create(DevSpec() with { Addons = ["code-server"] }));
        var pinned = Single<ContainerRequested>(Create(DevSpec() with { Addons = ["code-server@4.96.4"] }));

        // 4.100.0 sorts after 4.96.4 numerically, not as text.
        Assert.Equal(["code-server@4.100.0"], unpinned.Spec.Addons);
        Assert.Equal(["code-server@4.96.4"], pinned.Spec.Addons);
    }

    [Fact]
    public void ADevSpecWithoutCodeServerGetsTheNewestAndAGameSpecGetsNone()
    {
        var dev = Single<ContainerRequested>(Create(DevSpec() with { Addons = [] }));
        var game = Single<ContainerRequested>(Create(GameSpec() with { Addons = [] }));

        Assert.Equal(["code-server@4.100.0"], dev.Spec.Addons);
        Assert.Empty(game.Spec.Addons);
    }

    [Fact]
    public void AValidGameSpecWithServerSettingsIsRequested()
    {
        var requested = Single<ContainerRequested>(Create(GameSpec()));
        Assert.Equal(ContainerKind.Game, requested.Kind);
        Assert.Equal("java", requested.Spec.Server!.Command);
    }

    [Fact]
    public void AGameServerMayHaveNoRuntime()
    {
        Single<ContainerRequested>(Create(GameSpec() with { Runtime = null, Version = null }));
    }

    [Fact]
    public void ARuntimeNotInTheCatalogIsABadInputThatListsWhatExists()
    {
        var errors = FieldErrors(DevSpec() with { Runtime = "ruby", Version = "3" });
        var message = Assert.Single(errors["runtime"]);
        Assert.Contains("ruby", message);
        Assert.Contains("java 21; node 22, 24", message);
    }

    [Fact]
    public void AVersionNotInTheCatalogIsABadInputOnTheVersionField()
    {
        var errors = FieldErrors(DevSpec() with { Version = "18" });
        Assert.Contains("node 18", Assert.Single(errors["version"]));
        Assert.False(errors.ContainsKey("runtime"));
    }

    [Theory]
    [InlineData("node", null, "version")]
    [InlineData(null, "24", "runtime")]
    public void RuntimeAndVersionComeTogetherOrNotAtAll(string? runtime, string? version, string field)
    {
        var errors = FieldErrors(DevSpec() with { Runtime = runtime, Version = version });
        Assert.Contains("together", Assert.Single(errors[field]));
    }

    [Fact]
    public void AnAddonNotInTheCatalogOrAtAnUnknownVersionIsNamedByItsPosition()
    {
        var errors = FieldErrors(DevSpec() with { Addons = ["code-server", "jupyter", "code-server@9.9"] });

        Assert.Contains("jupyter", Assert.Single(errors["addons[1]"]));
        Assert.Contains("twice", Assert.Single(errors["addons[2]"]));
        Assert.False(errors.ContainsKey("addons[0]"));
    }

    [Fact]
    public void AnAddonAtAVersionTheCatalogLacksIsRejected()
    {
        var errors = FieldErrors(DevSpec() with { Addons = ["code-server@9.9"] });
        Assert.Contains("code-server 4.96.4, 4.100.0", Assert.Single(errors["addons[0]"]));
    }

    [Fact]
    public void AGameServerWithoutServerSettingsIsRejected()
    {
        var errors = FieldErrors(GameSpec() with { Server = null });
        Assert.Contains("server.command", Assert.Single(errors["server"]));
    }

    [Fact]
    public void AGameServerWithAnEmptyCommandIsRejected()
    {
        var errors = FieldErrors(GameSpec() with { Server = new ServerSpec(" ") });
        Assert.Single(errors["server.command"]);
    }

    [Fact]
    public void ADevContainerWithServerSettingsIsRejected()
    {
        var errors = FieldErrors(DevSpec() with { Server = new ServerSpec("java") });
        Assert.Contains("dev container has no game server", Assert.Single(errors["server"]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("My-Dev")]
    [InlineData("-dev")]
    [InlineData("dev-")]
    [InlineData("dev_box")]
    [InlineData("a.b")]
    public void ANameThatIsNotADnsLabelIsRejected(string name)
    {
        Assert.Single(FieldErrors(DevSpec(name))["name"]);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("dev-1")]
    [InlineData("0box")]
    public void ANameThatIsADnsLabelIsAccepted(string name)
    {
        Single<ContainerRequested>(Create(DevSpec(name)));
    }

    [Fact]
    public void ANameLongerThanSixtyThreeCharactersIsRejected()
    {
        Single<ContainerRequested>(Create(DevSpec(new string('a', 63))));
        Assert.Single(FieldErrors(DevSpec(new string('a', 64)))["name"]);
    }

    [Theory]
    [InlineData(0, 2048, 8, "resources.cores")]
    [InlineData(17, 2048, 8, "resources.cores")]
    [InlineData(1, 255, 8, "resources.memoryMb")]
    [InlineData(1, 65537, 8, "resources.memoryMb")]
    [InlineData(1, 2048, 0, "resources.diskGb")]
    [InlineData(1, 2048, 513, "resources.diskGb")]
    public void ResourcesOutsideTheirBoundsAreRejectedPerField(int cores, int memoryMb, int diskGb, string field)
    {
        var errors = FieldErrors(DevSpec() with { Resources = new ContainerResources(cores, memoryMb, diskGb) });
        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void ResourcesAtTheirBoundsAreAccepted()
    {
        Single<ContainerRequested>(Create(DevSpec() with { Resources = new ContainerResources(1, 256, 1) }));
        Single<ContainerRequested>(Create(DevSpec() with { Resources = new ContainerResources(16, 65536, 512) }));
    }

    [Fact]
    public void EveryProblemOfASpecIsReportedAtOnce()
    {
        var errors = FieldErrors(new ContainerSpec(ContainerKind.Game, "Bad Name", "ruby", "3", ["nope"], null, new ContainerResources(0)));
        Assert.Equal(["addons[0]", "name", "resources.cores", "runtime", "server"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void NullsFromADeserialisedBodyAreFieldErrorsNotCrashes()
    {
        var errors = FieldErrors(new ContainerSpec(ContainerKind.Dev, null!, null, null, null!, null, null!));
        Assert.Equal(["name", "resources"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AMissingSpecIsABadInput()
    {
        var rejection = Rejected(Create(null!), RejectionKind.InvalidInput);
        Assert.True(rejection.Errors!.ContainsKey("spec"));
    }

    [Fact]
    public void AnUndefinedKindIsABadInput()
    {
        Assert.Single(FieldErrors(DevSpec() with { Kind = (ContainerKind)7 })["kind"]);
    }

    [Fact]
    public void RepeatingTheSameCreateChangesNothing()
    {
        var state = Fold(Requested(DevSpec()));
        NothingToDo(Create(DevSpec(), state));
    }

    [Fact]
    public void CreatingOverAnExistingContainerWithAnotherDeploymentIsAConflict()
    {
        var state = Fold(Requested(DevSpec()));
        var decision = Container.Decide(state, new CreateContainer(Guid.NewGuid(), ContainerId, Guid.NewGuid(), DevSpec()), As(Alice));
        Assert.Contains("already exists", Rejected(decision, RejectionKind.InvalidTransition).Reason);
    }
}
