using System.Text.RegularExpressions;
using ZeroLagHub.Api.Artifacts.Building;

namespace ZeroLagHub.Api.Tests.Artifacts;

/// <summary>The builder script on its own: what it knows, and how it refuses.</summary>
public sealed class ArtifactScriptTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("zlh-artifacts-test-").FullName;

    [Fact]
    public async Task TheScriptBuildsWhatTheApiOffersToBuild()
    {
        var (code, output, error) = await ArtifactScript.RunAsync(_directory, null, "list");

        Assert.True(code == 0, error);
        var listed = Regex.Matches(output, @"^(\S+)\s+(\S+)\s+not built$", RegexOptions.Multiline).Select(m => $"{m.Groups[1]} {m.Groups[2]}");
        Assert.Equal(ArtifactRecipes.All.Select(r => $"{r.Name} {r.Version}").Order(), listed.Order());
    }

    [Fact]
    public async Task AnUnreachableRegistryIsRefusedClearlyAndNothingIsBuilt()
    {
        var (code, _, error) = await ArtifactScript.RunAsync(_directory,
            new Dictionary<string, string> { ["npm_config_registry"] = "http://127.0.0.1:9/", ["npm_config_fetch_retries"] = "0" },
            "build", "node", "22");

        Assert.NotEqual(0, code);
        Assert.Contains("http://127.0.0.1:9/", error);
        Assert.Contains("is unreachable; nothing was built", error);
        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public async Task AnUnknownRecipeIsRefusedNamingWhatCanBeBuilt()
    {
        var (code, _, error) = await ArtifactScript.RunAsync(_directory, null, "build", "python", "3.11");

        Assert.NotEqual(0, code);
        Assert.Contains("no recipe for python 3.11; these can be built: node 22; node 24; dotnet 10; java 17; go 1.19; code-server 4.139.1", error);
    }

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
        if (Directory.Exists(_directory + ".build")) Directory.Delete(_directory + ".build", recursive: true);
    }
}
