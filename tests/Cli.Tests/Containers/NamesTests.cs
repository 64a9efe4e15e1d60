using System.Text.RegularExpressions;

namespace ZeroLagHub.Cli.Tests.Containers;

/// <summary>
/// Names where a person reads: the deployment history names containers, the audit history names users, ids come
/// with <c>-o wide</c> and <c>--json</c>; a deployment is found by id, unique id prefix or container; a spec the API
/// refuses reads as one sentence. Against the real API.
/// </summary>
public sealed class NamesTests(CliApiFixture api) : IClassFixture<CliApiFixture>
{
    [Fact]
    public async Task DeploymentsAndAuditEventsNameContainersAndUsersAndWideAddsTheirIds()
    {
        using var zlh = await api.AdminAsync();
        var name = $"named-{Guid.NewGuid():N}"[..14];
        var create = await zlh.RunAsync("create", "dev", "--name", name, "--runtime", "node", "--version", "24", "--json");
        Assert.True(create.ExitCode == 0, create.ToString());
        var (id, deployment) = (create.Json.GetProperty("containerId").GetGuid(), create.Json.GetProperty("deploymentId").GetGuid());

        var deploys = await zlh.RunAsync("deploys");
        Assert.True(deploys.ExitCode == 0, deploys.ToString());
        Assert.Matches($@"{deployment}\s+{name}\s+dev", deploys.Out);
        Assert.DoesNotContain(id.ToString(), deploys.Out);
        // Who asked, by name; and --user takes a name as well as an id.
        Assert.Matches($@"{deployment}\s+{name}\s+{id}\s+admin\s+", (await zlh.RunAsync("deploys", "-o", "wide")).Out);
        var byAdmin = await zlh.RunAsync("deploys", "--user", "ADMIN", "--json");
        Assert.Contains(byAdmin.Json.GetProperty("items").EnumerateArray(), d => d.GetProperty("id").GetGuid() == deployment);
        Assert.Empty((await zlh.RunAsync("deploys", "--user", "nobody-by-that-name", "--json")).Json.GetProperty("items").EnumerateArray());

        var events = await zlh.RunAsync("audit", "events", name, "--json");
        Assert.True(events.ExitCode == 0, events.ToString());
        var adminId = events.Json.GetProperty("events")[0].GetProperty("metadata").GetProperty("user").GetString()!;
        Assert.Equal("admin", events.Json.GetProperty("users").GetProperty(adminId).GetString());
        var table = await zlh.RunAsync("audit", "events", name);
        Assert.Matches(@"container\.requested\s+admin\s+[0-9a-f]{12}", table.Out);
        Assert.DoesNotContain(adminId, table.Out);
        Assert.Matches($@"container\.requested\s+admin\s+{adminId}\s+[0-9a-f]{{12}}", (await zlh.RunAsync("audit", "events", name, "-o", "wide")).Out);
    }

    [Fact]
    public async Task ADeploymentIsFoundByAUniqueIdPrefixOrItsContainerAndAnUnknownOneIsNamedInTheError()
    {
        var (zlh, _) = await api.LoggedInAsync();
        using var __ = zlh;
        var name = $"deployed-{Guid.NewGuid():N}"[..16];
        var create = await zlh.RunAsync("create", "dev", "--name", name, "--runtime", "node", "--version", "24", "--json");
        Assert.True(create.ExitCode == 0, create.ToString());
        var deployment = create.Json.GetProperty("deploymentId").GetGuid();

        // This user has one deployment: any 4 or more of its first characters are unique.
        var byPrefix = await zlh.RunAsync("deploy", deployment.ToString()[..8], "--json");
        Assert.True(byPrefix.ExitCode == 0, byPrefix.ToString());
        Assert.Equal(deployment, byPrefix.Json.GetProperty("id").GetGuid());

        var byContainer = await zlh.RunAsync("deploy", name);
        Assert.True(byContainer.ExitCode == 0, byContainer.ToString());
        Assert.Contains($"dev deployment of {name}", byContainer.Out);
        Assert.Contains($"deployment {deployment}", byContainer.Out);

        var unknown = await zlh.RunAsync("deploy", "ffff0000");
        Assert.True(unknown.ExitCode == 3, unknown.ToString());
        Assert.Contains("no deployment id starts with 'ffff0000' and no container has that name", unknown.Err);
        Assert.DoesNotContain("System.Guid", unknown.Err);
    }

    [Fact]
    public async Task AnUnknownRuntimeIsOneSentenceNamingItAndTheRuntimesThereAre()
    {
        var (zlh, _) = await api.LoggedInAsync();
        using var __ = zlh;

        var create = await zlh.RunAsync("create", "dev", "--runtime", "nodex", "--version", "24");

        Assert.True(create.ExitCode == 2, create.ToString());
        var message = create.Err.Trim();
        Assert.Matches(@"^zlh: runtime 'nodex' is not in the catalog; available: .*node", message);
        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain("occurred", message);
    }
}
