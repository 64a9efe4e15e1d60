using ZeroLagHub.Cli.Api;

namespace ZeroLagHub.Cli.Tests.Api;

/// <summary>How a problem the API answered reads on zlh's stderr.</summary>
public sealed class ApiProblemTests
{
    [Fact]
    public void OneFieldErrorIsOneSentenceNamingTheFieldAndTheAllowedValues()
    {
        var problem = new ApiProblem(400, "One or more validation errors occurred.", "the container spec is not valid; see the field errors",
            new Dictionary<string, string[]> { ["runtime"] = ["runtime 'nodex' is not in the catalog; available: go 1.22; node 24"] });

        Assert.Equal("runtime 'nodex' is not in the catalog; available: go 1.22; node 24", problem.ToString());
    }

    [Fact]
    public void AMessageThatDoesNotNameItsFieldGetsTheFieldFirst()
    {
        var problem = new ApiProblem(400, "One or more validation errors occurred.", null,
            new Dictionary<string, string[]> { ["version"] = ["node 99 is not in the catalog; available: node 22, 24"] });

        Assert.Equal("version: node 99 is not in the catalog; available: node 22, 24", problem.ToString());
    }

    [Fact]
    public void SeveralFieldErrorsAreALineEach()
    {
        var problem = new ApiProblem(400, "One or more validation errors occurred.", null, new Dictionary<string, string[]>
        {
            ["name"] = ["name must be a DNS label"], ["$.resources.cores"] = ["expected a whole number"],
        });

        Assert.Equal("2 fields are not valid:\n  name must be a DNS label\n  $.resources.cores: expected a whole number", problem.ToString());
        Assert.DoesNotContain("occurred", problem.ToString());
    }

    [Fact]
    public void AnyOtherProblemIsItsTitleAndDetail() =>
        Assert.Equal("Not possible now: the container is stopped", new ApiProblem(409, "Not possible now", "the container is stopped").ToString());
}
