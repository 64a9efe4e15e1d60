using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using static ZeroLagHub.Domain.Tests.Containers.Scenario;

namespace ZeroLagHub.Domain.Tests.Containers;

/// <summary>A runtime or addon the API can build but has not: the field error names the command that builds it.</summary>
public sealed class UnbuiltArtifactTests
{
    private static readonly RuntimeCatalog NothingBuilt = new(null, null)
    {
        Buildable = new Dictionary<string, IReadOnlyList<string>> { ["node"] = ["22", "24"], ["code-server"] = ["4.139.1"] },
    };

    [Fact]
    public void ARuntimeNotBuiltYetNamesTheCommandThatBuildsIt()
    {
        var (errors, _) = ContainerSpecRules.Check(DevSpec() with { Runtime = "node", Version = "22" }, NothingBuilt);

        Assert.Equal("node 22 is not built yet; an admin builds it with `zlh admin artifacts build node 22` (a few minutes, once)",
            Assert.Single(errors["version"]));
        Assert.False(errors.ContainsKey("runtime"));
    }

    [Fact]
    public void TheIdeOfADevContainerNotBuiltYetNamesTheVersionThatCanBeBuilt()
    {
        var (errors, _) = ContainerSpecRules.Check(DevSpec() with { Addons = [] }, NothingBuilt);

        Assert.Contains("`zlh admin artifacts build code-server 4.139.1`", Assert.Single(errors["addons[0]"]));
    }

    [Fact]
    public void AVersionNoRecipeBuildsIsStillOutsideTheCatalog()
    {
        var (errors, _) = ContainerSpecRules.Check(DevSpec() with { Runtime = "node", Version = "18" }, NothingBuilt);

        // Nothing of node is built here, so it is the runtime that is missing; 18 is no recipe's version.
        var message = Assert.Single(errors["runtime"]);
        Assert.Contains("runtime 'node' is not in the catalog", message);
        Assert.DoesNotContain("zlh admin artifacts build", message);
        Assert.False(errors.ContainsKey("version"));
    }
}
