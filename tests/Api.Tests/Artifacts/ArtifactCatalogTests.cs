using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Alba;
using ZeroLagHub.Api.Artifacts.StandIns;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Tests.Audit;
using ZeroLagHub.Api.Tests.Containers;

namespace ZeroLagHub.Api.Tests.Artifacts;

/// <summary>The API as it runs by default: real artifacts only, none built yet (nothing here downloads anything).</summary>
public sealed class RealArtifactsApiFixture : ApiFixture
{
    /// <summary>In the test process's environment, which a builder must not inherit (as it must not the API's secrets).</summary>
    public const string Canary = "ZLH_TEST_BUILDER_CANARY";

    public RealArtifactsApiFixture()
    {
        Settings["Artifacts:StandIns"] = "false";
        // A builder that shows what it was given and fails for node 22 as an unreachable registry does: the
        // endpoint's flow, without minutes of downloads (the real script has tests of its own).
        Builder = Path.Combine(DataDirectory, "fake-builder.sh");
        File.WriteAllText(Builder, """
            echo "fake builder: $*"
            env | sort
            if [ "$3" = 22 ]; then echo "[node 22] error: the npm registry is unreachable; nothing was built" >&2; exit 1; fi
            echo "[node $3] built"
            """);
        Settings["Artifacts:Builder"] = Builder;
        Environment.SetEnvironmentVariable(Canary, "must-not-reach-the-builder");
    }

    public string Builder { get; }

    public string ArtifactDirectory => Path.Combine(DataDirectory, "artifacts");
}

/// <summary>
/// By default only real artifacts are offered: a create naming one not built yet is refused with the command that
/// builds it, stand-ins left in the catalog are not offered, and building is an audited admin action.
/// </summary>
public sealed class RealArtifactsByDefaultTests(RealArtifactsApiFixture api) : IClassFixture<RealArtifactsApiFixture>
{
    [Fact]
    public async Task ACreateNamingArtifactsNotBuiltIsA400NamingTheCommandsThatBuildThemAndWritesNothing()
    {
        var response = await api.ScenarioAs(Guid.NewGuid(), x =>
        {
            x.Post.Json(ControlPlaneSteps.DevSpec("node", "22", name: "unbuilt-box")).ToUrl("/api/servers");
            x.ProblemShouldBe(HttpStatusCode.BadRequest);
        });

        var errors = (await response.ReadAsJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("node 22 is not built yet; an admin builds it with `zlh admin artifacts build node 22`",
            errors.GetProperty("version")[0].GetString());
        Assert.Contains("`zlh admin artifacts build code-server 4.139.1`", errors.GetProperty("addons[0]")[0].GetString());
        Assert.Equal(0L, (long)(await api.Database.ScalarAsync("SELECT count(*) FROM events.mt_events"))!);
    }

    [Fact]
    public async Task StandInsInTheCatalogAreNotOfferedWithoutTheQuickMode()
    {
        StandInArtifacts.AddTo(api.ArtifactDirectory);
        var user = api.TokenFor(Guid.NewGuid());

        var list = await api.GetJsonAsync(user, "/api/artifacts");

        Assert.False(list.GetProperty("standIns").GetBoolean());
        var artifacts = list.GetProperty("artifacts").EnumerateArray().ToList();
        Assert.DoesNotContain(artifacts, a => a.GetProperty("standIn").GetBoolean());
        var node24 = Assert.Single(artifacts, a => a.GetProperty("name").GetString() == "node" && a.GetProperty("version").GetString() == "24");
        Assert.Equal("not built", node24.GetProperty("state").GetString());
        Assert.Equal("zlh admin artifacts build node 24", node24.GetProperty("buildCommand").GetString());
        await api.SendAsync(user, x => x.Post.Json(ControlPlaneSteps.DevSpec("node", "24", name: "standin-box")).ToUrl("/api/servers"),
            HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task BuildingIsForAdminsAndAnUnknownRecipeIsA404NamingWhatCanBeBuiltAndIsAudited()
    {
        await api.SendAsync(api.TokenFor(Guid.NewGuid()), x => x.Post.Url("/api/admin/artifacts/node/22/build"), HttpStatusCode.Forbidden);

        var adminId = Guid.NewGuid();
        var admin = api.TokenFor(adminId, "artifact-admin", Role.Admin);
        var response = await api.SendAsync(admin, x => x.Post.Url("/api/admin/artifacts/python/3.11/build"), HttpStatusCode.NotFound);

        Assert.Contains("no recipe for python 3.11; these can be built: node 22, node 24, dotnet 10, java 17, go 1.19, code-server 4.139.1",
            (await response.ReadAsJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        var log = await CommandLog.ReadAsync(api, $"user={adminId}");
        Assert.Equal([("BuildArtifact", "artifact python 3.11", "rejected")], log.Select(CommandLog.Summary));
    }
}

/// <summary>The build endpoints: progress while it runs, how it ended, nothing of the API's environment passed on.</summary>
public sealed class ArtifactBuildEndpointTests(RealArtifactsApiFixture api) : IClassFixture<RealArtifactsApiFixture>
{
    [Fact]
    public async Task ABuildRunsTheBuilderOnTheArtifactDirectoryWithoutTheApisEnvironmentAndIsFollowedToItsEnd()
    {
        var adminId = Guid.NewGuid();
        var admin = api.TokenFor(adminId, "artifact-admin", Role.Admin);

        await api.ScenarioWithToken(admin, x =>
        {
            x.Post.Url("/api/admin/artifacts/node/24/build");
            x.StatusCodeShouldBe(HttpStatusCode.Accepted);
            x.Header("Location").SingleValueShouldEqual("/api/admin/artifacts/node/24/build");
        });
        var built = await FollowAsync(admin, "node/24");

        Assert.Equal("succeeded", built.GetProperty("state").GetString());
        var log = built.GetProperty("log").EnumerateArray().Select(l => l.GetString()).ToList();
        Assert.Contains("fake builder: build node 24", log);
        Assert.Contains($"ZLH_ARTIFACTS_DIR={api.ArtifactDirectory}", log);
        Assert.Contains("[node 24] built", log);
        Assert.DoesNotContain(log, l => l!.StartsWith(RealArtifactsApiFixture.Canary, StringComparison.Ordinal));

        await api.SendAsync(admin, x => x.Post.Url("/api/admin/artifacts/node/22/build"), HttpStatusCode.Accepted);
        var failed = await FollowAsync(admin, "node/22");
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Equal("[node 22] error: the npm registry is unreachable; nothing was built", failed.GetProperty("error").GetString());

        var audit = await CommandLog.ReadAsync(api, $"user={adminId}");
        Assert.Equal([("BuildArtifact", "artifact node 22", "accepted"), ("BuildArtifact", "artifact node 24", "accepted")],
            audit.Select(CommandLog.Summary));
    }

    [Fact]
    public async Task FollowingABuildThatNeverStartedIsA404()
    {
        var admin = api.TokenFor(Guid.NewGuid(), "artifact-admin", Role.Admin);
        var response = await api.SendAsync(admin, x => x.Get.Url("/api/admin/artifacts/go/1.19/build"), HttpStatusCode.NotFound);
        Assert.Contains("no build of go 1.19 since the API started", (await response.ReadAsJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    /// <summary>Polls the build until it ends (a guard of two minutes against a hung builder, not a timing assertion).</summary>
    private async Task<JsonElement> FollowAsync(string admin, string artifact)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var build = await api.GetJsonAsync(admin, $"/api/admin/artifacts/{artifact}/build");
            if (build.GetProperty("state").GetString() != "building") return build;
            Assert.True(DateTime.UtcNow < deadline, $"the build of {artifact} did not end: {build}");
            await Task.Delay(100);
        }
    }
}

/// <summary>The quick mode the tests run in: stand-ins, marked as such in the catalog file and the API's list.</summary>
public sealed class StandInArtifactTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task EveryStandInIsMarkedInTheCatalogFileAndTheListWithItsTrueSizeAndSha256()
    {
        var directory = Path.Combine(api.DataDirectory, "artifacts");
        var catalog = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "_catalog.json"))).RootElement;
        var entries = catalog.EnumerateObject().SelectMany(section => section.Value.EnumerateObject())
            .SelectMany(name => name.Value.EnumerateObject()).Select(version => version.Value).ToList();
        Assert.Equal(6, entries.Count);
        foreach (var entry in entries)
        {
            Assert.True(entry.GetProperty("standIn").GetBoolean(), entry.ToString());
            var bytes = await File.ReadAllBytesAsync(Path.Combine(directory, entry.GetProperty("file").GetString()!));
            Assert.Equal(bytes.Length, entry.GetProperty("size").GetInt64());
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), entry.GetProperty("sha256").GetString());
        }

        var list = await api.GetJsonAsync(api.TokenFor(Guid.NewGuid()), "/api/artifacts");
        Assert.True(list.GetProperty("standIns").GetBoolean());
        var listed = list.GetProperty("artifacts").EnumerateArray().Where(a => a.GetProperty("state").GetString() != "not built").ToList();
        Assert.Equal(6, listed.Count);
        Assert.All(listed, a => Assert.Equal(("stand-in", true), (a.GetProperty("state").GetString(), a.GetProperty("standIn").GetBoolean())));
        Assert.Contains(listed, a => a.GetProperty("name").GetString() == "minecraft-standin");
    }
}
