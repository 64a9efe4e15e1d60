using ZeroLagHub.Api.Tests.Containers;
using ZeroLagHub.Api.Tests.Hosts;

namespace ZeroLagHub.Api.Tests.Artifacts;

/// <summary>A container built from stand-ins says so in its deployment's stage log, where a user sees what was installed.</summary>
public sealed class StandInStageLogTests(LocalHostFixture api) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task TheStageLogNamesEveryStandInInstalled()
    {
        using var client = api.CreateClientAs(Guid.NewGuid());
        var (_, deployment) = await client.CreateAsync(ControlPlaneSteps.DevSpec(name: "standin-log-box"));

        var done = await client.WaitForDeploymentAsync(deployment);

        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        var lines = done.GetProperty("stages").EnumerateArray()
            .SelectMany(s => s.TryGetProperty("logTail", out var tail) ? tail.EnumerateArray().Select(l => l.GetString()) : []).ToList();
        Assert.Contains("node 24 is a stand-in (Artifacts:StandIns), not the real node", lines);
        Assert.Contains("code-server 4.96.4 is a stand-in (Artifacts:StandIns), not the real code-server", lines);
    }
}
