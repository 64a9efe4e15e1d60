using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Deployments;

namespace ZeroLagHub.Cli.Tests.Deployments;

/// <summary>
/// A deployment by a prefix of its id, among the deployments a user can list (the API's answer, as data). The
/// whole path, with the list from a real API, is in <see cref="Containers.NamesTests"/>.
/// </summary>
public sealed class DeploymentResolverTests
{
    private static readonly DeploymentInfo[] Deployments =
    [
        Deployment("0199aa10-0000-7000-8000-000000000001"),
        Deployment("0199aa10-0000-7000-8000-000000000002"),
        Deployment("0199bb20-0000-7000-8000-000000000003"),
    ];

    private static DeploymentInfo Deployment(string id) =>
        new(Guid.Parse(id), Guid.NewGuid(), "user", "Dev", "succeeded", DateTimeOffset.UnixEpoch, null, null, null, null, null, []);

    [Fact]
    public void AUniquePrefixIsThatDeployment() =>
        Assert.Equal(Deployments[2].Id, DeploymentResolver.ByIdPrefix(Deployments, "0199BB")!.Value);

    [Fact]
    public void AnAmbiguousPrefixIsAUsageProblemListingTheMatches()
    {
        var problem = DeploymentResolver.ByIdPrefix(Deployments, "0199aa10")!.Problem!;

        Assert.Equal(400, problem.Status);
        Assert.Contains("'0199aa10' is the start of 2 deployment ids", problem.ToString());
        Assert.Contains(Deployments[0].Id.ToString(), problem.ToString());
        Assert.Contains(Deployments[1].Id.ToString(), problem.ToString());
    }

    [Fact]
    public void APrefixOfNoneIsNone() => Assert.Null(DeploymentResolver.ByIdPrefix(Deployments, "0199cc"));
}
