using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Decisions;
using ZeroLagHub.Domain.Servers;
using static ZeroLagHub.Domain.Tests.Containers.Scenario;

namespace ZeroLagHub.Domain.Tests.Containers;

/// <summary>
/// Every field of a create is bounded, in the decision itself so every entry point gets it (issue 17: a
/// working directory of "../../../../../", a negative timeout, a 900 KB argument, 50,000 arguments and a
/// 200 KB ready line were all accepted and recorded).
/// </summary>
public sealed class SpecLimitsTests
{
    private static IReadOnlyDictionary<string, string[]> FieldErrors(ContainerSpec spec)
    {
        var decision = Container.Decide(ContainerState.Initial, new CreateContainer(Guid.NewGuid(), ContainerId, DeploymentId, spec), As(Alice));
        var rejection = Rejected(decision, RejectionKind.InvalidInput);
        Assert.NotNull(rejection.Errors);
        return rejection.Errors;
    }

    private static ContainerSpec Game(ServerSpec server) => GameSpec() with { Server = server };

    [Theory]
    [InlineData("../../../../../")]
    [InlineData("..")]
    [InlineData("world/../../etc")]
    [InlineData("/etc")]
    [InlineData("/var/tmp/zlh")]
    [InlineData("")]
    [InlineData("a\\..\\..")]
    public void AWorkingDirectoryOutsideTheServersFilesIsRejected(string dir)
    {
        var errors = FieldErrors(Game(new ServerSpec("java", WorkingDirectory: dir)));
        Assert.Contains("relative path inside", Assert.Single(errors["server.workingDirectory"]));
    }

    [Theory]
    [InlineData("world")]
    [InlineData("server/bin")]
    [InlineData("./world")]
    [InlineData("a/../b")]
    [InlineData(".")]
    public void ARelativeWorkingDirectoryInsideIsAccepted(string dir) =>
        Single<ContainerRequested>(Container.Decide(ContainerState.Initial,
            new CreateContainer(Guid.NewGuid(), ContainerId, DeploymentId, Game(new ServerSpec("java", WorkingDirectory: dir))), As(Alice)));

    [Theory]
    [InlineData(-5, 300, "server.gracefulTimeoutSeconds")]
    [InlineData(0, 300, "server.gracefulTimeoutSeconds")]
    [InlineData(3601, 300, "server.gracefulTimeoutSeconds")]
    [InlineData(30, 0, "server.readyTimeoutSeconds")]
    [InlineData(30, 86401, "server.readyTimeoutSeconds")]
    public void TimeoutsOutsideTheirRangeAreRejectedPerField(int graceful, int ready, string field)
    {
        var errors = FieldErrors(Game(new ServerSpec("java", GracefulTimeoutSeconds: graceful, ReadyTimeoutSeconds: ready)));
        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void AHugeArgumentIsRejectedByItsPosition()
    {
        var errors = FieldErrors(Game(new ServerSpec("java", ["-jar", new string('x', 900_000)])));
        Assert.Contains("at most 1024", Assert.Single(errors["server.args[1]"]));
    }

    [Fact]
    public void ArgumentsLongerThan16KiBTogetherAreRejected()
    {
        var errors = FieldErrors(Game(new ServerSpec("java", Enumerable.Repeat(new string('x', 1000), 17).ToList())));
        Assert.Contains("at most 16384", Assert.Single(errors["server.args"]));
    }

    [Fact]
    public void TooManyArgumentsAreRejectedOnce()
    {
        var errors = FieldErrors(Game(new ServerSpec("java", Enumerable.Repeat("x", 50_000).ToList())));
        Assert.Equal(["server.args"], errors.Keys);
        Assert.Contains("at most 64", Assert.Single(errors["server.args"]));
    }

    [Fact]
    public void LongCommandStopCommandAndReadyLineAreRejected()
    {
        var errors = FieldErrors(Game(new ServerSpec(new string('j', 257), StopCommand: new string('s', 257), ReadyLine: new string('r', 200_000))));
        Assert.Equal(["server.command", "server.readyLine", "server.stopCommand"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("java\0", null, null, "server.command")]
    [InlineData("java", "\0", null, "server.args[0]")]
    [InlineData("java", null, "st\0op", "server.stopCommand")]
    public void ANulCharacterIsRejectedNamingTheField(string command, string? arg, string? stop, string field)
    {
        var errors = FieldErrors(Game(new ServerSpec(command, arg is null ? null : [arg], StopCommand: stop)));
        Assert.Contains("NUL", Assert.Single(errors[field]));
    }

    [Fact]
    public void ANewlineInTheStopCommandIsRejected() =>
        Assert.Single(FieldErrors(Game(new ServerSpec("java", StopCommand: "stop\nop")))["server.stopCommand"]);

    [Theory]
    [InlineData("node\0", "24", "runtime")]
    [InlineData("node", "24\n", "version")]
    public void ARuntimeOrVersionThatIsNotACatalogNameIsRejectedBeforeTheCatalogQuotesIt(string runtime, string version, string field)
    {
        var errors = FieldErrors(DevSpec() with { Runtime = runtime, Version = version });
        Assert.Contains("catalog name", Assert.Single(errors[field]));
        Assert.DoesNotContain(errors.Values.SelectMany(m => m), m => m.Contains('\0') || m.Contains('\n'));
    }

    [Fact]
    public void AnAddonThatIsNotANameIsRejectedWithoutQuotingIt()
    {
        var errors = FieldErrors(DevSpec() with { Addons = [new string('a', 100_000), "code\0server"] });
        Assert.Equal(["addons[0]", "addons[1]"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.All(errors.Values.SelectMany(m => m), m => Assert.True(m.Length < 200, m));
    }

    [Fact]
    public void TooManyAddonsAreOneErrorNotOnePerAddon()
    {
        var errors = FieldErrors(DevSpec() with { Addons = Enumerable.Range(0, 1000).Select(i => $"a{i}").ToList() });
        Assert.Equal(["addons"], errors.Keys);
    }

    [Fact]
    public void ANameEndingInANewlineIsNotADnsLabel() =>
        Assert.Single(FieldErrors(DevSpec("box\n"))["name"]);

    [Fact]
    public void TheAgentNamesNoHostPathWhenTheWorkingDirectoryLeavesItsRoot()
    {
        // "link/.." passes the lexical check; the agent resolves it against its real root (here as text).
        var problem = ServerSpecRules.Problem(new ServerSpec("java", WorkingDirectory: "world"), "/srv/zlh/server-root");
        Assert.Null(problem);
        Assert.Contains("inside the server's files", ServerSpecRules.Problem(new ServerSpec("java", WorkingDirectory: "/etc"), "/srv/zlh/server-root"));
        Assert.DoesNotContain("/srv", ServerSpecRules.Problem(new ServerSpec("java", WorkingDirectory: "/etc"), "/srv/zlh/server-root"));
    }
}
